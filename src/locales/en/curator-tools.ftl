## Curator tools: /my, /family, support measures, absence, phone intake, help and command menus

ct-command = { $command ->
        [start] Start: family registration or staff sign-in
        [help] Help: what the bot can do
        [menu] Main menu
        [cancel] Cancel what was started
        [my] My open requests
        [family] Find a family: /family phone, name or request №
        [intake] Register a family by phone
        [field] Needs questionnaire after a visit or a call
        [announce] Announcement to families
        [away] Mark an absence and a deputy
        [back] Come back early
        [overdue] Overdue requests
        [silent] Families without contact for over 30 days
        [find] Find a family or a request
        [web] A link to the monitoring site
        [stats] Statistics
        [today] Today's consultations
        [week] This week's consultations
        [schedule] Consultation schedule
       *[export] Request register export (.xlsx)
    }
ct-help = { $role ->
        [curator] Curator commands:
            /my — your open requests, most urgent first
            /family — find a family: /family +79001234567, /family Ivanova or /family 1042
            /intake — register a family by phone and make a request on its behalf
            /field — fill in a family's needs questionnaire after a visit or a call
            /away — mark an absence until a date with a deputy; /back — come back early
            /cancel — cancel what was started
            Request cards arrive here; their buttons take, resolve, reject a request and open the family card.
        [supervisor] Supervisor commands:
            /overdue — overdue requests
            /silent — families without contact for more than 30 days
            /my — open requests of your districts
            /family, /find — find a family by phone, name or request №
            /stats — statistics; /export — the request register as .xlsx
            /announce — an announcement to the families of your districts
            /cancel — cancel what was started
        [field] Field worker commands:
            /field — fill in a family's needs questionnaire after a visit or a call: each «needs help» becomes a request to its curator
            /cancel — cancel what was started
       *[observer] Observer commands:
            /stats — statistics for your districts
            /export — the request register as .xlsx without personal data
    }

ct-refused-not-staff = This command is for the service's staff. If you need help, open the menu: /menu.
ct-refused-wrong-role = This command is not available for your role. Your commands: /help.
ct-refused-not-found = No such request or family. Check the number or search again: /family.
ct-refused-out-of-scope = This family is not in your districts; the action is not available. If this is a mistake, write to your supervisor.
ct-refused-not-allowed = This action is not available now.

ct-my-title = Open requests: { $total }{ $overdue ->
        [0] {""}
       *[other] , overdue: { $overdue } (⏰)
    }. The nearest deadlines come first. Page { $page } of { $pages }.
ct-my-empty = No open requests. New cards will arrive in this chat.
ct-my-item = { $urgent ->
        [yes] 🔴 № { $number } · { $category } · { ct-my-deadline }
       *[no] № { $number } · { $category } · { ct-my-deadline }
    }
ct-my-deadline = { $overdue ->
        [yes] ⏰ overdue, was due { $deadline }
       *[no] by { $deadline }
    }
ct-page-previous = ◀ Back
ct-page-next = Next ▶
ct-history-title = History:
ct-history-line = { $time } — { $event }
ct-event = { $type ->
        [created] created
        [assigned] sent to curator { $name }
        [taken] taken: { $name }
        [status_changed] status: { $to ->
            [resolved] resolved
            [rejected] rejected
            [waiting_family] waiting for the family
           *[in_progress] in progress
        }
        [message] message
        [escalated] reminder or alert to a supervisor
        [reassigned] passed to another curator
        [family_card_viewed] family card opened
        [rated] the family rated the work
        [reopened] the family reopened it
        [cancelled] the family cancelled it
       *[delivery_failed] a notification could not be delivered
    }

ct-family-usage = Whom are we looking for? Write a phone, part of a name or a request number after the command. For example: /family +79001234567, /family Ivanova, /family 1042.
ct-family-none = No such family in your districts. Check the spelling or search by phone.
ct-family-several = { $more ->
        [yes] More than ten families found — here are the first. Narrow the search if the one you need is missing.
       *[no] Several families found. Choose one:
    }
ct-family-list-item = { $name } · { $district }
ct-family-card-title = { $reachedBy ->
        [phone] Family card (registered by a curator on the phone)
       *[telegram] Family card
    }
ct-family-card-curator = { $state ->
        [none] No curator assigned
        [deputy] Curator: { $curator } — away until { $until }; the family's requests go to the deputy, { $deputy }.
        [away] Curator: { $curator } — away until { $until }, nobody stands in now: the family's requests go to a free curator or a supervisor.
        [unavailable] Curator: { $curator } — cannot take requests now: they go to a free curator or a supervisor.
       *[present] Curator: { $curator }
    }
ct-family-card-members = Family members:
ct-family-card-member = • { $name }, phone { $phone }{ $telegram ->
        [yes] {""}
       *[no] {" "}(no Telegram)
    }
ct-family-card-no-requests = • no requests yet
ct-family-card-eligible = Entitled by the passport, not granted yet:
ct-family-card-measures = Support measures:
ct-family-card-no-measures = • none recorded yet
ct-family-card-measure = • { $measure }, since { $since }{ $hasNote ->
        [yes] {" "}— { $note }
       *[no] {""}
    }
ct-family-card-record-hint = To record a support measure: /family { $number } and the button under the card.
ct-button-record-measure = Record a support measure
ct-button-open-request = Request № { $number }
ct-button-request = Make a request on the family's behalf
ct-ask-measure = Which support measure does the family receive?
ct-ask-measure-since = Since which date? Write a date, for example 01.09.2025.
ct-ask-measure-note = A short note (decision number, amount, who arranged it) — or «Skip».
ct-measure-saved = The support measure is recorded on the family card.

ct-ask-away-until = Until which date are you away? Write the date you are back, for example 05.12.2026. From that day requests come to you again.
ct-ask-deputy = Who stands in for you? New requests of your families will go to this curator.
ct-away-set = Noted: you are away until { $until }, { $deputy } stands in. New requests of your families go to the deputy. Back early — /back.
ct-away-no-deputy = There is no other active curator in your districts to stand in. Write to your supervisor — they will share out the requests.
ct-away-wrong-role = Absences are marked by curators. Your commands: /help.
ct-away-date-not-future = The date you are back must be after today.
ct-away-deputy-not-allowed = This curator cannot stand in for you now.
ct-away-try-again = Start again: /away.
ct-back-done = Welcome back! New requests of your families come to you again.
ct-back-not-away = You are here already: no absence is marked.

ct-intake-intro = Registering a family by phone. Ask the person and type the answers. Cancel at any moment — /cancel.
ct-intake-ask-phone = The family's phone (for example, +79001234567):
ct-intake-hint-phone = That does not look like a phone number. Write it in digits, for example +79001234567 or 89001234567.
ct-intake-phone-known = A family with the phone { $phone } exists already. Open its card: /family { $phone }
ct-intake-ask-consent = Read the personal data consent (as in the bot) to the person and ask whether they agree. The consent is recorded as oral, in your name.
ct-intake-consent-yes = Consent given
ct-intake-consent-no = Does not agree
ct-intake-no-consent = Without consent the family cannot be registered; nothing was saved. The person can call the hotline: { $hotline }.
ct-intake-ask-applicant = What is the caller's name? Type their surname, first name and patronymic.
ct-intake-ask-relationship = Who are they to the serviceman?
ct-intake-ask-serviceman = What is the serviceman's name? Type his surname, first name and patronymic.
ct-intake-ask-serviceman-birth-date = The serviceman's date of birth (DD.MM.YYYY). If the family prefers not to say, press "Skip".
ct-intake-ask-district = Which district does the family live in?
ct-intake-ask-locality = Which town or village does the family live in?
ct-intake-ask-address = The family's address: street, house, flat. If the family prefers not to say, press "Skip".
ct-intake-ask-children = Ask whether there are children under 18 in the family. If the family prefers not to say, press "Skip".
ct-intake-ask-relatives = Ask whether there are elderly relatives or relatives with a disability in the family who need care. If the family prefers not to say, press "Skip".
ct-intake-summary = Check the form. Phone: { $phone }
ct-intake-ask-save = Save the family?
ct-intake-save-yes = Save
ct-intake-save-no = Do not save
ct-intake-dropped = Not saved. Start again — /intake.
ct-intake-saved = The family is saved and assigned to you. Marked: reached by phone, oral consent. Card — /family { $phone }
ct-intake-ask-request = Make a request on the family's behalf now?
ct-intake-request-yes = Make a request
ct-intake-request-no = Not now
ct-intake-done = Done. The family card — /family { $phone }
ct-intake-ask-category = What does the family need help with?
ct-intake-ask-send = Send the request?
ct-intake-send = ✅ Send the request
ct-intake-request-dropped = The request was not sent. The family's card: /family { $phone }
ct-intake-request-invalid = The request could not be saved. The family is saved: open its card — /family { $phone } — and make the request again with «Make a request on the family's behalf».
ct-intake-request-created = Request № { $number } is created on the family's behalf; deadlines as for any request. { $to ->
        [here] The request's card will come here as a separate message.
        [your-deputy] While you are away, your deputy gets the request's card: { $name }.
        [deputy] The family's curator is away; their deputy gets the request's card: { $name }.
        [family-curator] The family's curator gets the request's card: { $name }.
       *[other] The family's curator cannot take the request now: a free curator or a supervisor gets its card.
    }

ct-linked = We found your family: your curator registered it by phone. Now you can write to us here, in this chat. { $hasCurator ->
        [yes] Your curator is { $curator }.
       *[no] A curator will be assigned soon.
    }
