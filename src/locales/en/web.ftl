# The monitoring site (src/web, src/features/web-access, src/features/monitoring).

web-link =
    Your link to the monitoring site:
    { $url }

    It works for 10 minutes and opens once. Do not forward it to anyone. Need a new one? Send /web again.
web-link-staff = The monitoring site is open to supervisors, observers and admins. If you need it for your work, ask the admin; your commands are in the bot's menu.
web-link-family = This command is for the programme's staff. To go back to your requests, send /menu.
web-link-stranger = The monitoring site is for the programme's staff only. If you are staff, ask the admin for an invitation.

web-title = Patronazh: monitoring
web-skip = Skip to content
web-nav = Sections
web-nav-overview = Overview
web-nav-register = Register
web-nav-families = Families
web-nav-operations = Operations
web-nav-request = Request
web-sign-out = Sign out

web-sign-in-title = Please sign in
web-sign-in = To open the site, send the bot /web and open the link in its answer.
web-sign-in-widget = Or sign in with Telegram:
web-signed-out-title = Signed out
web-signed-out = Your session has ended. To sign in again, send the bot /web.
web-login-used-title = This link was used
web-login-used = Someone already signed in with this link; it does not open twice. Send the bot /web for a new one.
web-login-expired-title = This link has expired
web-login-expired = A link works for 10 minutes. Send the bot /web for a new one.
web-login-forged-title = Link not found
web-login-forged = There is no such link: perhaps it was not copied whole. Send the bot /web and open the link in its answer.
web-login-not-allowed-title = No access
web-login-not-allowed = Your role has changed and this link no longer works. If you need access, ask the admin.
web-not-found-title = Page not found
web-not-found = This page does not exist or is not open to you. Go back to the Overview.
web-forbidden-title = Nothing was done
web-forbidden = The form is out of date. Reload the page and try again.
web-too-many-title = Too many attempts
web-too-many = Wait a minute and try again.
web-failed-title = Something went wrong
web-failed = The page did not open. Reload it in a minute; if it still fails, tell the admin.

web-period = Period
web-period-7 = 7 days
web-period-30 = 30 days
web-period-90 = 90 days
web-period-custom = Custom dates
web-from = From
web-to = To
web-district = District
web-all-districts = All districts you see
web-apply = Show
web-updated = Figures as of { $time }. The page refreshes itself every 30 seconds.
web-table = Table
web-no-data = No data for this period.

web-created = Requests in the period
web-overdue-now = Overdue now
web-taken-in-time = Taken in time
web-resolved-in-time = Resolved in time
web-median-take = Median time to take
web-median-resolve = Median time to resolve
web-rating = Average rating
web-families = Families registered
web-passports = Passports complete

web-chart-per-day = Requests per day by category
web-chart-open = Open requests by district and status
web-chart-in-time-district = Share in time by district
web-chart-in-time-category = Share in time by category
web-chart-per-curator = Open requests per curator
web-col-day = Day
web-col-district = District
web-col-category = Category
web-col-curator = Curator
web-col-open = Open
web-no-curator = no curator

web-any = All
web-status = Status
web-urgency = Urgency
web-overdue-only = Overdue only
web-search = Search
web-search-hint = request number, phone or name
web-total = { $count ->
        [one] { $count } request found
       *[other] { $count } requests found
    }
web-export = Export these requests (.xlsx)
web-col-number = Number
web-col-created = Created
web-col-deadline = Deadline
web-pages = Pages
web-prev = ← Back
web-next = Next →
web-page = Page { $page } of { $pages }

web-request-title = Request № { $number }
web-request-card = Card
web-request-details = The family's answers in full
web-request-files = Attachments
web-request-no-files = No attachments.
web-file-kind = { $kind ->
        [photo] photo
        [voice] voice message
        [video] video
        [video_note] video message
        [audio] audio
       *[document] document
    }
web-request-timeline = History
web-col-when = When
web-col-event = What happened
web-col-who = Who
web-actor-family = the family
web-actor-staff = staff
web-actor-system = the system
web-event = { $type ->
        [created] Request created
        [assigned] Given to a curator
        [taken] Taken into work
        [status_changed] Status changed
        [message] Message
        [escalated] Escalated: deadline missed
        [reassigned] Reassigned
        [family_card_viewed] Family card opened
        [rated] The family rated it
        [reopened] Reopened
        [cancelled] Cancelled by the family
       *[delivery_failed] A message was not delivered
    }
web-reassign = Reassign
web-reassign-to = New curator
web-reassign-submit = Reassign
web-reassign-none = It cannot be reassigned: the request is closed or the district has no other active curator.
web-reassign-done = Done: the request is with the new curator. They, the previous curator and the family are told in the bot.
web-reassign-refused = It could not be reassigned: the request is closed or the curator is not available. Reload the page and choose again.
web-open-count = open: { $count }

web-families-count = Families by district
web-families-share = Share of families by district
web-families-note = A passport counts as complete when it has the address, the serviceman's name and at least one person in the household.
web-measures = Receive support measures

web-measures-coverage = Support measures: received of those due
web-measures-received = Received of those due

web-ops-outbox-pending = Events waiting to be dispatched
web-ops-outbox-lag = Event queue lag
web-ops-pending = Notifications waiting
web-ops-failed = Notifications not delivered
web-ops-queues = Job queues (Bull Board)
web-ops-notifications = Notifications waiting or failed
web-col-kind = Kind
web-col-attempts = Attempts
web-col-error = Last error
web-seconds = s
