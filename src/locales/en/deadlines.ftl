## Deadlines and escalations (texts for staff)
dl-reminder =
    { $clock ->
        [take] ⏰ Reminder: request No. { $number } is waiting to be taken.
       *[resolve] ⏰ Reminder: request No. { $number } needs to be resolved.
    }
    { $category }, { $district }.
dl-reminder-left = Deadline: { $deadline } { $regionTime }, { $left } left.
dl-reminder-overdue = Deadline was: { $deadline } { $regionTime }, { $late } ago.
dl-reminder-deputy = You get this as the deputy of { $curator }.
dl-alert =
    { $level ->
        [regional] 🔴 Request No. { $number } is twice overdue.
       *[district] ⚠️ Request No. { $number } is overdue.
    }
    { $clock ->
        [take] Nobody has taken it.
       *[resolve] It has not been resolved.
    }
    { $category }, { $district }.
    { $justNow ->
        [yes] The deadline has just passed: { $deadline } { $regionTime }.
       *[no] Deadline was: { $deadline } { $regionTime }, late by { $late }.
    }
    Curator: { $curator }.
dl-alert-regional-note = The district supervisors have already been alerted.
dl-alert-now-status = By now the request is { $status ->
        [in_progress] in progress
        [waiting_family] waiting for the family
        [resolved] resolved
        [rejected] rejected
        [cancelled] cancelled by the family
       *[other] in progress
    }.
dl-curator-none = not assigned
dl-digest =
    More overdue requests in the last minute: { $count }. To spare you a flood of messages, here they are in one:
    { $numbers }
    Open the overdue list to open each request and reassign it.
dl-urgent =
    🔴 Urgent request No. { $number }: the family needs a psychologist right now.
    District: { $district }. Curator: { $curator }.
    It must be taken by { $deadline } { $regionTime }.
dl-urgent-supervisor-hint = If the curator does not answer, reassign it.
dl-urgent-on-call-hint = You are the on-call curator: be ready to step in if a supervisor hands the request to you.
dl-button-open = Open
dl-button-reassign = Reassign
dl-button-overdue = All overdue
dl-days = { $n } d
dl-hours = { $n } h
dl-minutes = { $n } min
dl-seconds = { $n } s
