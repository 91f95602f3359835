## Announcements to families: /announce (supervisors), the family's copy, the sender's progress

ann-footer = To stop announcements, open «Settings» → «Announcements». Your curator's messages will come as before.
ann-ask-text = Write the announcement for families — up to { $max } characters. Keep it short: what happened and what the family should do.
ann-hint-letters = The announcement needs text. Please write it in words.
ann-ask-file = If needed, send one photo or document for the announcement. If not, press «Skip».
ann-ask-measure = Add a «I want it» button for a support measure under the announcement? A family presses it and applies to its curator at once.
ann-measure-none = No button
ann-preview-button = Under the announcement there will be a «I want it» button: with it a family applies for the chosen measure.
ann-ask-districts = Who should get it? Choose the districts.
ann-districts-region = The whole region
ann-districts-mine = All my districts
ann-ask-filter = Send it to every family of these districts or only to some?
ann-filter = { $filter ->
        [children_under_7] With children under 7
        [school_children] With school children
        [kindergarten] With children in kindergarten
        [elderly] With elderly relatives
       *[none] All families
    }
ann-preview-title = This is how families will see the announcement:
ann-confirm = { $families ->
        [one] { $families } family
       *[other] { $families } families
    } ({ $people ->
        [one] { $people } person
       *[other] { $people } people
    }) will get the announcement. Families who turned announcements off will not. Send it?
ann-confirm-yes = ✅ Send
ann-confirm-no = Don't send
ann-dropped = All right, the announcement was not sent. To start again: /announce.
ann-starting = Preparing to send…
ann-sending = The announcement is accepted: { $people ->
        [one] { $people } recipient
       *[other] { $people } recipients
    }. The message above shows every 10 seconds how many have got it, and a report comes at the end. Requests and families' messages do not wait for it — work as usual.
ann-refused = { $reason ->
        [out_of_scope] These districts are not yours; the announcement was not sent. Choose your districts: /announce.
        [empty] No family that receives announcements matches these conditions. Choose other recipients: /announce.
       *[not_supervisor] Announcements to families are sent by supervisors. If you need to tell families something, write to your supervisor.
    }
ann-progress = The announcement is going out. Recipients: { $total }
    ✅ delivered: { $sent }
    🚫 blocked the bot: { $blocked }
    ⏳ left: { $left }
ann-progress-done = The announcement has gone out. Recipients: { $total }
    ✅ delivered: { $sent }
    🚫 blocked the bot: { $blocked }
    ⚠️ not delivered for other reasons (including turned announcements off): { $failed }
ann-report = Report on announcement № { $id }.
    { $summary }
    A new announcement: /announce.
