## Psychologists' consultations: schedules, a family's booking, reminders, notes

psy-weekday-short = { $day ->
        [1] Mon
        [2] Tue
        [3] Wed
        [4] Thu
        [5] Fri
        [6] Sat
       *[7] Sun
    }
psy-moment = { $weekday ->
        [1] Monday
        [2] Tuesday
        [3] Wednesday
        [4] Thursday
        [5] Friday
        [6] Saturday
       *[7] Sunday
    }, { $date }, { $time } ({ $regionTime })
psy-format = { $format ->
        [video] video call
        [phone] phone call
        [chat] chat in Telegram
       *[in_person] in person
    }
psy-status = { $status ->
        [booked] booked
        [held] held
        [no_show] the family did not come
       *[cancelled] cancelled
    }
psy-reason = { $reason ->
        [illness] the psychologist is ill
        [emergency] the psychologist has an emergency
        [family_asked] at the family's request
        [left] the psychologist no longer gives consultations
       *[schedule] the psychologist's schedule changed
    }

## Family: the offer, the calendar, booking
psy-offer = { $urgent ->
        [yes] { $today ->
            [yes] A psychologist can talk to you today. If a life is in danger right now, call 112.
           *[no] The psychologists have no free time today; below is the earliest. If a life is in danger right now, call 112.
        }
       *[no] You can book a consultation with a psychologist.
    }
    Choose a time that suits you ({ $regionTime }) or open the two-week calendar.
psy-waitlist = { $when ->
        [none] The psychologists of your district have no free time now.
       *[other] The psychologists have no free time in the next two weeks. The earliest free time now is { $when }.
    } You are on the waiting list: when a psychologist has free time, we will offer it to you here.{ $supervisors ->
        [yes] { " " }The supervisor will get a notice about your request.
       *[other] { "" }
    }
    If waiting is hard, write to your curator: «Write to the curator» in the menu. If a life is in danger, call 112.
psy-ask-day = Choose a day. Only days with free time are shown.
psy-ask-time = { $day }: choose a time.
psy-ask-format = How would you like to talk to the psychologist? Choose a format.
psy-slot-taken = Sorry, this time has just been taken. Here is what is free now.
psy-booked-family =
    You are booked for a consultation with a psychologist.
    When: { $moment }
    Psychologist: { $psychologist }
    Format: { $format }
    { $join }
    Reminders come a day and an hour before. You can move or cancel the booking with the buttons below, up to 2 hours before.
psy-join-video = Video link: { $link } — open it at the time; nothing to install.
psy-join-phone = The psychologist will call you at the time, on the number you gave when you registered.
psy-join-chat = The psychologist will write to you in Telegram at the time.
psy-join-in-person = Address: { $address }.
psy-address-unknown = the psychologist will tell you the address
psy-ics-summary = Consultation with a psychologist
psy-ics-caption = A calendar file: open it to add the consultation to your calendar.
psy-btn-calendar = 📅 Another day
psy-btn-move = Move
psy-btn-cancel = Cancel the booking
psy-btn-cancel-sure = Yes, cancel
psy-btn-book-again = Book again
psy-cancel-sure = Cancel the booking? Your request stays open; you can book again at any time.
psy-cancelled-by-family = The booking is cancelled. To book again, press the button below.
psy-move-intro = Choose a new time. The old booking is cancelled once you choose the new one.
psy-cancelled-by-psychologist = The consultation on { $moment } had to be cancelled: { psy-reason }. We are sorry.
psy-reminder-family = { $lead ->
        [day] A reminder: you have a consultation with a psychologist tomorrow.
       *[hour] Your consultation with a psychologist is in an hour.
    }
    When: { $moment }
    Psychologist: { $psychologist }
    { $join }
psy-stale = This button is out of date. Open the menu: /menu.
psy-refused-closed = This request is closed, so no booking can be made for it. If you need a psychologist, make a new request: «I need help» in the menu.
psy-refused-not-found = This booking has been cancelled or is over. Your requests: «My requests» in the menu.
psy-staff-refused-not-found = This booking is already cancelled or over. Your consultations: /week.
psy-refused-too-late = The consultation is less than 2 hours away, so it can no longer be moved or cancelled here. If you cannot come, write to your curator: «Write to the curator» in the menu.
psy-staff-refused-not-psychologist = Only psychologists can do this. Your commands: /help.
psy-staff-refused-not-yet = The consultation has not started yet. Mark its outcome once it has begun.

## Psychologist: day, week, outcomes, notes
psy-help =
    Psychologist's commands:
    /today — today's consultations
    /week — this week's consultations
    /schedule — your schedule and how to change it
    /note 12 text — a note on booking № 12 (only psychologists see it)
    New bookings, moves, cancellations and reminders come here.
psy-staff-booked =
    New booking № { $consultationId }: { $moment }.
    Family: { $name }. Format: { $format }.
    Today's schedule: /today.
psy-staff-family-cancelled = { $moved ->
        [yes] The family moved booking № { $consultationId } ({ $moment }) to another time.
       *[no] The family cancelled booking № { $consultationId } ({ $moment }).
    } That time is free again.
psy-reminder-staff = { $lead ->
        [day] Tomorrow:
       *[hour] In an hour:
    } consultation № { $consultationId }, { $moment }. Family: { $name }. Format: { $format }.
psy-agenda-head = { $span ->
        [today] Today's consultations:
       *[week] This week's consultations:
    }
psy-agenda-empty = { $span ->
        [today] No bookings today.
       *[week] No bookings this week.
    } Your schedule: /schedule.
psy-agenda-line =
    { $when } · № { $consultationId } · { $name } · { $format } · { psy-status }
    Request: { $answers }{ $contact ->
        [none] {""}
       *[other] {""}
            Write to the family: { $contact }
    }
psy-answer-for-whom = { $value ->
        [self] for themselves
        [child] for a child
       *[relative] for a relative
    }
psy-btn-held = Held
psy-btn-no-show = Did not come
psy-btn-staff-cancel = Cancel
psy-btn-notes = Notes
psy-answer-urgent = needs help right now
psy-view = Booking № { $consultationId }: mark the outcome, cancel with a reason or open the notes.
psy-ask-reason = Why is the consultation cancelled? The family sees the reason and gets new times at once.
psy-marked-held = Marked: the consultation was held. Add a note with /note, for example: /note 12 text.
psy-marked-no-show = Marked: the family did not come. Your bookings: /today.
psy-cancelled-by-you = The consultation is cancelled. We will tell the family the reason and offer new times.
psy-notes =
    Notes on booking № { $consultationId } (only psychologists see them):
    { $notes }
psy-notes-empty = No notes on booking № { $consultationId } yet. Add one: /note { $consultationId } text.
psy-notes-refused = Only psychologists see consultation notes.
psy-note-saved = The note is saved. Only psychologists see it.
psy-note-not-found = No booking № { $number } of yours was found. It may have been cancelled, or the family deleted its data. Your consultations: /week.
psy-hint-note = Write it like this: /note 12 the note, where 12 is the booking number from /today.
psy-waitlist-alert = { $when ->
        [none] Psychologist waiting list: request № { $number }. No psychologist with a schedule serves the family's district.
       *[other] Psychologist waiting list: request № { $number }. The district's psychologists have no free time in the next 14 days; the earliest is { $when }.
    } The family has been told when to expect it. Help find earlier time: ask a psychologist to add hours, or reach the family through its curator.

## Psychologist: schedule
psy-schedule =
    Your schedule:
    { $hours }
    Consultation length: { $slot } min.
    Formats: { $formats }
    Address for in-person meetings: { $address }
    Days off: { $daysOff }
psy-schedule-saved = Saved.
psy-schedule-how =
    How to change it:
    /hours пн-пт 09:00-17:00 — hours by weekday; /hours сб - — a day off
    /slot 50 — consultation length in minutes
    /formats видео, телефон, чат, очно — the formats you work in
    /address г. Липецк, ул. Советская, 10, каб. 5 — address for in-person meetings
    /dayoff 31.12.2026 — a day off; again to undo
psy-day-off = day off
psy-none = none
psy-hint-hours = Could not read the hours. Write: /hours пн-пт 09:00-17:00, and a day off: /hours сб -
psy-hint-slot = Write the length in minutes, 15 to 180, for example: /slot 50
psy-hint-formats = Write the formats separated by commas, for example: /formats видео, телефон, чат, очно
psy-hint-address = Write the whole address, for example: /address г. Липецк, ул. Советская, 10, каб. 5
psy-hint-dayoff = Write the date like this: /dayoff 31.12.2026

## /stats: psychologists' consultations
psy-stats-title = Psychologists' consultations in the period:
psy-stats-counts = booked { $booked } · held { $held } · did not come { $noShow } · cancelled { $cancelled }
psy-stats-median = From request to first consultation (median): { $hours ->
        [none] —
       *[other] { $hours } h
    }
psy-stats-waiting = On the waiting list now: { $count }
psy-stats-by-district = By district:
psy-stats-by-psychologist = By psychologist:

## To the curator: what became of the consultation (never its content)
psy-curator-notice = Request № { $number }, psychologist: { $change ->
        [booked] the family booked a consultation — { $moment }, psychologist { $psychologist }.
        [held] the consultation on { $moment } was held.
        [no_show] the family did not come to the consultation on { $moment }. It may be worth checking that all is well.
       *[cancelled_by_psychologist] psychologist { $psychologist } cancelled the consultation on { $moment }; the family was offered new times.
    } What was said stays between the family and the psychologist.

## A curator books for a family reached by phone
psy-phone-button = 🗓 Book a psychologist
psy-phone-slots = Choose a time for the family's consultation. The psychologist is told at once.
psy-phone-booked = The family is booked: { $moment }, psychologist { $psychologist }, { psy-format }. The family has no Telegram, so please call them and tell them the time. The day-before reminder is also yours to give by phone.
psy-phone-refused = { $reason ->
        [taken] This time was just taken. Open the request card again and choose another.
        [no_slots] The psychologists of the family's district have no free time now. Tell the district supervisor.
        [not_phone] This request cannot be booked here: it is closed, already booked, or the family has Telegram and books itself.
       *[refused] This request is not in your work. Your requests: /my.
    }
