# Notices of a refused staff press (features/access): at most 200 characters, Telegram's limit for them.
access-not-staff = This button is for the service's staff. If you are staff, ask the administrator for an invitation.
access-deactivated = Your staff account is switched off, so requests cannot be handled from it. If this is a mistake, contact the administrator.
access-observer = Observers see aggregate figures only, without family data. Your commands: /help.
access-supervisors-only = Only a supervisor of the service can do this.
access-not-found = There is no such request. Your open requests: /my.
access-erased = The family deleted its data; request No. { $number } is cancelled. Nothing can be done with it.
access-out-of-scope = This request is not from your districts, so this is not available. If this is a mistake, write to your supervisor.
access-not-yours = Request No. { $number } is now with curator { $curator }; it is no longer yours. If this is a mistake, write to your supervisor.
access-closed = Request No. { $number } is already closed: { $status ->
    [resolved] resolved
    [rejected] rejected
   *[cancelled] cancelled by the family
  }. It cannot be changed.
access-not-taken = Request No. { $number } has not been taken yet. Press «Take» first.
access-taken-by-other = Request No. { $number } is already in work with curator { $curator }. To give it to someone else, press «Reassign».
access-no-chat = This family has no chat with the bot: it was registered by phone. Messages from here cannot reach it, so nothing is sent. Please call — the phone is on its card{ $numbered ->
    [yes] : /family { $number }.
   *[no] .
  }

# A message taken back from a staff chat (features/delivery/retraction.ts): its text and buttons replaced.
retracted-handed-over = { $number ->
    [none] The family was given to another curator: { $curator }. Its messages no longer come to you.
   *[other] Request No. { $number } was given to another curator: { $curator }. It is no longer yours to act on; the buttons were removed.
  }
# The request's curator left the service and no colleague in the district could take it over: the district's
# supervisors have it, or (the district has none) the regional ones; other: not recorded which.
retracted-to-supervisors = { $number ->
    [none] The family was given to { $level ->
        [district] the district supervisor
        [regional] the regional supervisor
       *[other] a supervisor
    }. Its messages no longer come to you.
   *[other] Request No. { $number } was given to { $level ->
        [district] the district supervisor
        [regional] the regional supervisor
       *[other] a supervisor
    }. It is no longer yours to act on; the buttons were removed.
  }
# The recipient left the service (deactivated): a message about a request or a family that was not handed on
# to a colleague (a supervisor's cards and alerts, a closed request's card) is taken back, the family's data
# with it.
retracted-access-ended = { $number ->
    [none] Your staff account is switched off; the details were removed. Thank you for your work!
   *[other] Request No. { $number }: your staff account is switched off; the details were removed. Thank you for your work!
  }
# A psychologist left the service: their message about a booking is taken back; yes: their leaving cancelled it.
retracted-consultation = { $cancelled ->
    [yes] Booking No. { $consultationId } is cancelled: your staff account is switched off; the family's details were removed. We told the family and offered them to book again. Thank you for your work!
   *[other] Booking No. { $consultationId }: your staff account is switched off; the family's details were removed. Thank you for your work!
  }
retracted-erased = { $number ->
    [none] The family's data was deleted at its request.
   *[other] The family's data was deleted at its request (request No. { $number }).
  }

# To the family's curator and the district supervisors after «Удалить мои данные» (settings.erasure.ts).
erasure-notice = A family ({ $district }) deleted its data through the bot. { $count ->
    [0] It had no open requests.
    [one] Its request { $numbers } is cancelled.
   *[other] Its requests { $numbers } are cancelled.
  } Messages with the family's data in this chat were hidden or deleted; it can no longer be written to through the bot.
