/** Notification kinds of the relay; their contents are built in relay.content.ts when they are sent. */
export const relayNotificationKinds = {
  /** A curator's message copied to one family member (payload: the messages row id). */
  toFamily: 'relay_to_family',
  /** A family's message copied to the request's curator (or the district supervisors). */
  toStaff: 'relay_to_staff',
  /** An edit of a relayed message, applied to one copy already sent (or sent as a marked correction). */
  edit: 'relay_edit',
  /** To the curator: a family member did not get their message (blocked the bot). */
  undelivered: 'relay_undelivered',
} as const;
