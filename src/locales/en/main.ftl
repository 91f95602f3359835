# Bot texts in English. Russian (ru.ftl) is the primary language and the fallback.

## General
start-greeting =
    Hello! This is Patronazh, the support service for families of mobilized servicemen.
    Your family gets its own social curator here. They are reachable around the clock and can help with a nanny, a kindergarten, a psychologist, care for elderly relatives and more.
error-generic = Sorry, we could not answer just now. If no answer comes within a minute, please send your message again.
# A dialogue step failed: the answer was not taken, and the question comes again right after this.
dialogue-failed-ask-again = Sorry, we could not process your answer. Please answer this question again:
region-time = { $zone ->
        [kaliningrad] Kaliningrad time
        [moscow] Moscow time
        [samara] Samara time
        [yekaterinburg] Yekaterinburg time
        [omsk] Omsk time
        [krasnoyarsk] Krasnoyarsk time
        [irkutsk] Irkutsk time
        [yakutsk] Yakutsk time
        [vladivostok] Vladivostok time
        [magadan] Magadan time
        [kamchatka] Kamchatka time
       *[other] local time
    }

## Staff invites
staff-invite-welcome =
    { $name }, welcome! { $role ->
        [curator] You are connected as a social curator. The cards of your families' requests will arrive here, with buttons to take a request and answer the family.
        [supervisor] You are connected as the curators' supervisor of your districts. Alerts about requests not taken or not resolved in time will arrive here, and requests nobody else can take.
        [regional] You are connected as the region's supervisor. Alerts about requests anywhere in the region that are twice overdue will arrive here, and the requests and alerts of districts without a supervisor of their own.
        [field] You are connected as a field worker. After a visit or a call, fill in the family's needs questionnaire — /field: each «needs help» becomes a request to its curator.
        [psychologist] You are connected as a psychologist. Families' bookings, moves, cancellations and reminders will arrive here. Start with your schedule: /schedule.
       *[observer] You are connected as an observer. You can use the figures — /stats — and the register without personal data — /export. Observers get no notifications about requests.
    }
    Your commands — /help.
staff-invite-forged = This invite link is not valid. Please ask the administrator for a new one.
staff-invite-used = This link has already been used. Each invite works once — please ask the administrator for a new one.
staff-invite-expired = This link has expired. Please ask the administrator for a new invite.
staff-invite-already-staff = This account is already connected as staff. To change the role, contact the administrator.

## Delivery and routing
delivery-request-card =
    { $urgent ->
        [yes] 🔴 Urgent request № { $number } · { delivery-category }
       *[no] { $fresh ->
            [yes] New request № { $number } · { delivery-category }
           *[no] Request № { $number } · { delivery-category }
        }
    }
    District: { $district }
    Family: { $family }
delivery-request-card-deadline = { $clock ->
        [take] { $overdue ->
            [yes] ⏰ Not taken, it was due { $deadline } { $regionTime }
           *[no] Take by: { $deadline } { $regionTime }
        }
       *[resolve] { $overdue ->
            [yes] ⏰ Not resolved in time, it was due { $deadline } { $regionTime }
           *[no] Resolve by: { $deadline } { $regionTime }
        }
    }
delivery-request-card-rerouted = This request came to you because the previous recipient cannot be reached.
delivery-category = { $category ->
        [nanny] Nanny
        [kindergarten_transfer] Transfer to a kindergarten nearer home
        [school_meals] Free school meals
        [psychologist] Psychologist
        [elderly_care] Social worker for elderly relatives
        [employment] Work and training
        [legal] Legal help
        [medical] Medical help
       *[other] Other
    }
delivery-family-unknown = no name
delivery-family-assigned =
    { $reason ->
        [registered] 👋 A new family registered in the bot and is now yours.
        [district_changed] 👋 A family moved into your district and is now yours.
       *[handed_over] 👋 A family has been handed to you: its curator no longer works in the service.
    }
    Applicant: { $name }
    District: { $district }
    Who is in the family and what it already receives is on the family card, button below. The family's requests will come here.
delivery-family-without-curator =
    A family registered in the district “{ $district }”, but it has no active curator.
    Please assign a curator to the family (family id in the system: { $familyId }).
delivery-recipient-unreachable =
    { $unreachable } has blocked the bot and gets no notifications about request № { $number }.
    { $next ->
        [nobody] Nobody could take the request automatically — please assign a curator.
        [unchanged] The request is already with someone else.
       *[other] The request went to: { $next }.
    }
delivery-supervisors = the district supervisors

## Dialogues: hints and common buttons (B)
dialogue-skip = Skip
dialogue-hint-expected-text = Please answer in text, in one message.
dialogue-hint-expected-button = Please choose an option with the buttons under the question.
dialogue-hint-expected-contact = Please press the "Share my number" button at the bottom of the screen.
dialogue-hint-expected-file = Send a photo or a file. When you have sent everything, press the button under the message.
dialogue-hint-too-long = The message is too long, so nothing of it was kept. Please keep within { $max } characters and send your answer again.
dialogue-hint-invalid-text = We could not make out the answer. Please write it again.
dialogue-hint-no-letters-place = Please write the name of the town or village in letters, for example: Gryazi.
dialogue-hint-no-letters-address = Please write the address in letters and numbers, for example: 10 Sovetskaya St, flat 5.
dialogue-hint-no-letters-request = Please describe in words how we can help: from symbols and emoji alone the curator cannot tell what is needed.
dialogue-hint-stale-button = This button no longer works. Please answer the latest question.
dialogue-hint-date-format = Please write the date as DD.MM.YYYY, for example { $example }.
dialogue-hint-date-no-such-day = There is no such date: { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $year } has { $days } days. Please check the day.
dialogue-hint-date-no-such-month = There is no such date: a year has twelve months. Please check the month.
dialogue-hint-date-too-old = That date is too long ago. Please check the year.
dialogue-hint-date-future = That date has not come yet. Please check it.
dialogue-hint-date-past = That date has passed. Please give today or a later date.
dialogue-hint-date-too-far = That date is too far away — more than a year ahead. Please type a closer date.
dialogue-hint-birth-serviceman-young = By this date the serviceman is not yet 18. Please check the year of birth.
dialogue-hint-birth-serviceman-old = By this date the serviceman is over 75. Please check the year of birth.
dialogue-hint-birth-child-adult = By this date the child is already 18. Children under 18 go here — please check the year of birth.
dialogue-hint-contact-typed = We cannot accept a number typed as text. Press the "Share my number" button at the bottom of the screen — that way we know the number is yours.
dialogue-hint-contact-foreign = This is someone else's contact. We need your own number — press "Share my number".
dialogue-contact-thanks = Thank you, we have your number.
dialogue-files-done = Done ({ $count })
dialogue-file-received = Received. Files: { $count }. You can send more or press "Done".
dialogue-hint-file-too-big = The file is too big: up to { $maxMb } MB, please.
dialogue-hint-too-many-files = No more than { $max } files can be attached. Please press "Done".
dialogue-hint-file-repeated = We already have this file.
dialogue-stuck =
    This question does not seem to work out — no problem. Everything you have answered so far is kept.
    You can answer again, or choose below how to go on.
dialogue-stuck-skip = Skip this question
dialogue-stuck-curator = Let the curator clarify
dialogue-stuck-curator-chosen = The curator will clarify
dialogue-stuck-curator-staff = I will ask the family later
dialogue-stuck-menu = Leave for the menu without saving
dialogue-stuck-leave = Stop without saving
dialogue-left-unsaved = All right, stopped — the answers of this conversation were not kept.
dialogue-too-many-hints =
    Let us pause here: this conversation is closed and its answers were not kept.
    The curator can help anyway — choose “I need help” or “Write to the curator” whenever it suits you.
dialogue-too-many-hints-unregistered = Let us pause here: the registration is closed and its answers were not kept. Send /start whenever it suits you.
dialogue-too-many-hints-staff = Let us pause here: this dialogue is closed and its answers were not kept. Your commands: /help.
dialogue-idle-closed = We did not hear back, so we closed the unfinished conversation. Nothing is lost — start again from the menu whenever it suits you.
dialogue-idle-closed-unregistered = We did not hear back, so we closed the unfinished registration. Send /start whenever it suits you and we will begin again.
dialogue-idle-closed-staff = We had no answer and closed the unfinished dialogue; its answers were not kept. Your commands: /help.
dialogue-resumed = Let's pick up where we left off.

## Main menu (B)
menu-need-help = I need help
menu-my-requests = My requests
menu-write-curator = Write to the curator
menu-passport = Social passport
menu-support-measures = Support measures
menu-settings = Settings
menu-shown = Main menu — choose what you need.
menu-shown-unregistered = You are not registered yet. Send /start — it takes a few minutes.
menu-cancelled = All right, cancelled. The main menu is below.
menu-cancelled-unregistered = All right, cancelled. When you are ready, send /start.
menu-shown-staff = The main menu is for families. Your commands: /help.
menu-cancelled-staff = All right, cancelled. Your commands: /help.
menu-register-first = Please register first — send /start.
help-family =
    What the bot can do:
    • "I need help" — ask for help; the curator answers here;
    • "My requests" — see how your requests are going;
    • "Write to the curator" — how to reach your curator;
    • "Social passport" — your family's details, which you can change;
    • "Support measures" — benefits and help you are entitled to;
    • "Settings" — language, your data, an invite for a relative.
    Commands: /menu — the menu, /cancel — cancel what you started, /help — this text.
help-unregistered = This is the Patronazh bot — support for families of mobilized servicemen. To register, send /start. /cancel cancels what you started.
fallback-unregistered = To begin, send /start.
fallback-registered = Please choose an item of the menu at the bottom of the screen.
start-registered = You are already registered. The main menu is below.

## Registration (B)
onboarding-consent-question = Do you agree to the processing of your personal data on these terms?
onboarding-consent-agree = I agree
onboarding-consent-refuse = I do not agree
onboarding-consent-refused =
    We understand. Without consent we cannot register your family in the bot — nothing about you has been stored.
    You can still get help on the hotline: { $hotline }.
    If you change your mind, send /start.
onboarding-ask-contact = Thank you! Now please share your phone number — press the "Share my number" button at the bottom of the screen.
onboarding-contact-button = Share my number
onboarding-passport-intro = Now let us fill in your family's social passport. It is a few short questions. Children and relatives can be skipped and added later.
onboarding-summary-title = Please check that everything is right:
onboarding-summary-question = Save?
onboarding-summary-save = All correct, save
onboarding-summary-edit = Change
onboarding-done-with-curator =
    Done, your family is registered.
    Your curator is { $curator }. The curator is reachable around the clock.
    When you need help, press "I need help".
onboarding-done-without-curator =
    Done, your family is registered.
    { $supervisor ->
        [yes] A curator will be assigned soon: a supervisor is being notified.
       *[no] There is no free curator in your district right now, and no supervisor is available yet. As soon as one is, we will tell them about you and they will assign a curator.
    }
    { $supervisor ->
        [yes] When you need help, press "I need help": requests are accepted now too.
       *[no] You can leave a request now too — press "I need help". If you need help urgently, call the hotline: { $hotline }.
    }
onboarding-already-registered = You are already registered. The main menu is below.
onboarding-greeting-invited =
    Hello! This is Patronazh, the support service for families of mobilized servicemen.
    Your relative invited you to join the family. The family's passport is already filled in — all that is left is your consent and phone number.
onboarding-invite-forged = This invite link is not valid. Please ask your relative for a new one.
onboarding-invite-used = This link has already been used. Please ask your relative for a new one.
onboarding-invite-expired = This link has expired. Please ask your relative for a new one.
onboarding-invite-already-registered = You are already registered in Patronazh. The main menu is below.
onboarding-joined =
    Done, you have joined the family.
    { $hasCurator ->
        [yes] Your curator is { $curator }.
       *[no] A curator will be assigned soon.
    }
    When you need help, press "I need help".

## Social passport (B)
passport-ask-applicant-name = What is your name? Please write your surname, first name and patronymic.
passport-hint-name = Please write the full name in letters, for example: Ivanova Maria Petrovna.
passport-ask-relationship = How are you related to the serviceman?
# A button's answer after a colon: keep — as on the button («Urgency: I need help right now»).
answer-after-colon = keep
passport-relationship = { $value ->
        [wife] Wife
        [mother] Mother
        [father] Father
        [child] Son or daughter
       *[other] Other
    }
passport-ask-serviceman-name = The serviceman's surname, first name and patronymic:
passport-ask-serviceman-birth-date = The serviceman's date of birth (DD.MM.YYYY). If you prefer not to say, press "Skip".
passport-ask-district = Which district does the family live in?
passport-ask-locality = Town or village:
passport-ask-address = Address: street, house, flat. You can skip this.
passport-ask-children = Are there children in the family we should know about? You can skip this and add them later.
passport-ask-more-children = Children added: { $count }. Add another?
passport-add-child = Add a child
passport-add-another-child = Add another
passport-next = Next
passport-ask-child-name = The child's full name:
passport-ask-child-birth-date = The child's date of birth (DD.MM.YYYY):
passport-ask-child-institution = Does the child go to a kindergarten or a school?
passport-institution = { $value ->
        [kindergarten] Kindergarten
        [school] School
       *[none] Neither
    }
passport-ask-relatives = Are there elderly relatives or relatives with a disability who need care? You can skip this and add them later.
passport-ask-more-relatives = Relatives added: { $count }. Add another?
passport-add-relative = Add a relative
passport-add-another-relative = Add another
passport-ask-relative-name = The relative's full name:
passport-ask-relative-birth-date = The relative's date of birth (DD.MM.YYYY). You can skip this.
passport-ask-relative-care-needs = What help is needed? For example: buying food, cleaning, going with them to the doctor.
passport-which-field = What would you like to change?
passport-field = { $field ->
        [applicantName] Your full name
        [relationship] Relationship
        [servicemanName] Serviceman's full name
        [servicemanBirthDate] Serviceman's date of birth
        [district] District
        [locality] Town or village
        [address] Address
        [children] Children
       *[relatives] Relatives
    }
passport-none = not given
passport-none-date = not given
passport-none-address = not given
passport-line-applicant = Applicant: { $name }
passport-line-relationship = Relationship: { $relationship }
passport-line-serviceman = Serviceman: { $name }
passport-line-serviceman-birth-date = Serviceman's date of birth: { $date }
passport-line-district = District: { $name }
passport-line-locality = Town or village: { $value }
passport-line-address = Address: { $value }
passport-line-children = Children: { $count ->
        [0] none
       *[other] { $count }
    }
passport-line-child = { $index }. { $name }, { $date }, { passport-institution }
passport-line-relatives = Relatives who need care: { $count ->
        [0] none
       *[other] { $count }
    }
passport-line-relative = { $index }. { $name }{ $date ->
        [none] { "" }
       *[other] , { $date }
    }. Help needed: { $needs }

## Family requests: «I need help», «My requests», «Support measures» (requests, support-measures)
req-category-nanny = Nanny
req-category-kindergarten_transfer = Move to a kindergarten closer to home
req-category-school_meals = Free school meals
req-category-psychologist = Help from a psychologist
req-category-elderly_care = Social worker for elderly relatives
req-category-employment = Work and training
req-category-legal = Legal help
req-category-medical = Medical help
req-category-other = Other

req-field-children = Children
req-field-schedule = Schedule
req-field-date = Date
req-field-days = Days
req-field-hours = Hours
req-field-address = Address
req-field-child = Child
req-field-current-kindergarten = Current kindergarten
req-field-wanted-kindergarten = Wanted kindergarten or area
req-field-wanted-date = Wanted date
req-field-school = School
req-field-school-class = Class
req-field-problem = What is wrong
req-field-urgency = Urgency
req-field-for-whom = For whom
req-field-format = Preferred way
req-field-preferred-time = Preferred time
req-field-relative = Relative
req-field-help-kind = Kind of help
req-field-frequency = How often
req-field-occupation = Current work or qualification
req-field-wanted-job = Wanted job or training
req-field-topic = Topic
req-field-description = The matter
req-field-medical-need = What is needed
req-field-text = Request
req-field-comment = Comment
req-field-attachments = Files
req-left-to-curator-family = the curator will clarify
req-left-to-curator-staff = the family could not answer — please ask them

req-choice-schedule-once = Once
req-choice-schedule-regular = Regularly
req-choice-weekday-mon = Mon
req-choice-weekday-tue = Tue
req-choice-weekday-wed = Wed
req-choice-weekday-thu = Thu
req-choice-weekday-fri = Fri
req-choice-weekday-sat = Sat
req-choice-weekday-sun = Sun
req-choice-problem-not_granted = Meals not granted yet
req-choice-problem-interrupted = Meals were stopped
req-choice-problem-other = Something else
req-choice-forWhom-self = For me
req-choice-forWhom-child = For a child
req-choice-forWhom-relative = For another relative
req-staff-choice-forWhom-self = For the applicant
req-staff-choice-forWhom-child = For a child
req-staff-choice-forWhom-relative = For another relative
req-choice-format-phone = By phone
req-choice-format-video = By video call
req-choice-format-in_person = In person
req-choice-format-chat = In a chat
req-choice-urgency-planned = Within the next few days
req-choice-urgency-now = I need help right now
req-choice-helpKind-products_medicines = Groceries and medicines
req-choice-helpKind-household = Help around the house
req-choice-helpKind-accompaniment = Accompaniment (doctor, errands)
req-choice-helpKind-other = Something else
req-choice-frequency-once = Once
req-choice-frequency-weekly = Once a week
req-choice-frequency-several_weekly = Several times a week
req-choice-frequency-daily = Every day
req-choice-topic-payments_benefits = Payments and benefits
req-choice-topic-documents = Documents
req-choice-topic-credits_debts = Loans and debts
req-choice-topic-housing = Housing
req-choice-topic-other = Something else

req-not-registered = To make a request, please register first. Send /start — it takes a few minutes.
req-ask-category = What do you need help with? Choose what fits best.
req-category-intro = { $category }. I will ask a few short questions so that your curator understands right away what you need. You can leave at any time: /cancel.
req-person-all = All children
req-person-someone-else = Someone else — I will type the name
req-ask-person-name = Please type the name.
req-ask-child = Which child is it for?
req-ask-child-name-none =
    Your social passport has no children yet. Please type the child's name.
    You can add children later under «Social passport».
req-ask-relative = Which relative needs help?
req-ask-relative-name-none =
    Your social passport lists no relatives who need care yet. Please type who needs help (for example: “mother, Anna”).
    You can add them later under «Social passport».
req-ask-nanny-children = Which children is the nanny for?
req-ask-nanny-schedule = Do you need a nanny once or regularly?
req-ask-nanny-date = On which day? Type the date, for example { $example }.
req-ask-nanny-days = On which days? Tick the days and press «Done».
req-weekdays-done = Done
req-ask-nanny-hours = At what hours? For example: 8:00 to 13:00.
req-ask-address-default =
    The address in your passport: { $address }
    Is the help needed at this address?
req-address-passport = Yes, at this address
req-address-other = No, somewhere else
req-ask-address = Type the address: town, street, house, flat.
req-ask-current-kindergarten = Which kindergarten does the child attend now? Number or name.
req-ask-wanted-kindergarten = Which kindergarten would you like to move to? Type its number or the area that suits you.
req-ask-wanted-date = From which date? Type it, for example { $example }.
req-ask-school = Which school does the child attend? Number or name.
req-ask-school-class = Which class? For example: 3B.
req-ask-school-problem = What is wrong with the meals?
req-ask-urgency = How urgently do you need a psychologist?
req-crisis-contacts =
    You are not alone. If anyone is in danger, call now:
    { $contacts }
    The calls are free. We are passing your request to a curator right away — just a few short questions left.
req-ask-for-whom-psychologist = Who needs the psychologist?
req-ask-format = How would you like to talk to the psychologist?
req-ask-preferred-time = When suits you? For example: weekdays after 18:00.
req-ask-help-kind = What kind of help is needed?
req-ask-frequency = How often is help needed?
req-ask-for-whom = Who is it for?
req-ask-occupation = What does the person do now? Work, profession, education — as it is.
req-ask-wanted-job = What job or training would you like to find?
req-ask-legal-topic = What is the legal question about?
req-ask-legal-description = Briefly describe the situation: what happened and what you need.
req-ask-medical-need = What is needed? For example: a doctor's appointment, medicines, a check-up.
req-ask-other-text = Tell us in your own words what you need help with.
req-ask-comment = Anything to add for your curator? Type it — or press «Skip».
# Phone intake: the curator asks the family's questions aloud and types the answers (requests.steps.ts, staffWording).
req-staff-ask-address-default =
    The address in the family's passport: { $address }
    Is the help needed at this address?
req-staff-ask-child-name-none = The family's passport has no children. Type the name of the child the family is asking about.
req-staff-ask-relative-name-none = The family's passport lists no relatives who need care. Type who needs help (for example: “mother, Anna”).
req-staff-ask-wanted-kindergarten = Which kindergarten does the family want the child moved to? Type its number or the area that suits the family.
req-staff-ask-preferred-time = When does it suit the family to talk to a psychologist? For example: weekdays after 18:00.
req-staff-ask-other-text = Ask what the family needs help with, and type it in the family's words.
req-staff-ask-comment = Ask whether the family wants to add anything. Type it — or press «Skip».
req-staff-crisis-contacts =
    If anyone in the family is in danger, read them the emergency numbers right now:
    { $contacts }
    The calls are free. A few short questions are left — then send the request; it will be urgent.
req-staff-hint-no-letters = Please describe in words how to help: symbols and emoji alone do not say what is needed.
req-ask-attachments-more = { $count ->
        [1] Your file is in the request already.
       *[other] Your files are in the request already: { $count }.
    } If you have more documents or photos, send them here and press the button under the message. If not — «Skip».
req-ask-attachments = If you have documents or photos about this, send them here. When you are done, press the button under the message. No files — press «Skip».
req-hint-weekdays = Tick the days with the buttons under the message and press «Done».
req-hint-weekdays-none = Tick at least one day.
req-summary =
    Please check your request:
    { $category }
    { $details }
req-summary-files = Files: { $files }
req-summary-invalid = Something in the request does not fit — for example, a date has passed. Press «Change» and correct it, please.
req-summary-question = Is everything right?
req-summary-send = ✅ Send to the curator
req-summary-edit = ✏️ Change
req-summary-cancel = Do not send
req-which-field = What would you like to change?
req-from-held = Let us make a new request. { $files ->
        [0] Your message goes into it as the comment.
       *[other] Your message goes into it — the text as the comment, photos and documents as files.
    } A few questions remain.
req-dialogue-cancelled = All right, the request is not sent. If you need help, press «I need help».
req-dialogue-cancelled-held = All right, the request is not sent. Your message is still kept: the buttons above pass it to the curator.
req-created =
    Request № { $number } received; we are passing it to a curator. The curator will contact you.
    You can follow it under «My requests».
req-created-urgent =
    Urgent request № { $number } received and is being passed to a curator right now. You will be contacted as soon as possible.
    If it gets harder, do not wait — call:
    { $contacts }
req-delivered-curator = Request № { $number } has reached a curator. Your curator for this request: { $curator }.
req-delivered-supervisors = Request № { $number } has been passed to { $level ->
        [regional] the regional supervisor
       *[district] the curators' supervisor of your district
    }, who will assign a curator.

req-status-new = received
req-status-assigned = waiting to be taken up
req-status-in_progress = in progress
req-status-waiting_family = waiting for your answer
req-status-resolved = resolved
req-status-rejected = rejected
req-status-cancelled = cancelled by you
req-list-empty = You have no requests yet. If you need help, press «I need help».
req-list-title = Your requests (page { $page } of { $pages }). Press a request to open it.
req-list-line = № { $number } · { $category } — { $status }, { $date }
req-list-button = № { $number } · { $category }
req-list-previous = ← Back
req-list-next = Next →
req-card-title = { $urgent ->
        [yes] 🔴 Urgent request № { $number }
       *[no] Request № { $number }
    } · { $category }
req-card-status = Status: { $status }. Created { $created }.
req-card-curator = Curator: { $curator }
req-card-attachments = Files attached: { $count }
req-card-rating = Your rating: { $rating } of 5
req-card-history = History:
req-card-messages = Messages from your curator:
req-card-details-unreadable = The details of this request are not available now.
req-card-shortened = ✂️ Long answers are shortened here (where you see «…»).
req-history-line = { $when } — { $what }
req-event-created = request created
req-event-assigned = { $hasStaff ->
        [yes] passed to curator { $staff }
       *[no] passed to a curator
    }
req-event-taken = { $hasStaff ->
        [yes] curator { $staff } took the request
       *[no] the request was taken
    }
req-event-status_changed = status: { $status }
req-event-message = { $from ->
        [staff] message from the curator
       *[family] your message to the curator
    }
req-event-escalated = a supervisor is watching the request
req-event-reassigned = the request was passed to another curator
req-event-rated = you rated the help: { $rating } of 5
req-event-reopened = you returned the request to work
req-event-cancelled = you cancelled the request
req-message-line = { $when }, { $who }: { $body }
req-message-curator = curator
req-message-media = { $kind ->
        [photo] [photo]
        [document] [document]
        [voice] [voice message]
        [video] [video]
        [video_note] [video message]
        [audio] [audio]
       *[other] [attachment]
    }
req-card-cancel = Cancel the request
req-card-reopen = Problem not solved — return to work
req-card-back = ← All requests
req-cancel-question = Cancel request № { $number }? The curator will stop working on it.
req-cancel-yes = Yes, cancel
req-cancel-no = No, keep it
req-cancelled = The request is cancelled.
req-cannot-cancel = This request can no longer be cancelled.
req-reopened = The request is back in work. The curator sees it in the request's history.
req-cannot-reopen = Only a resolved request can be returned to work, within 7 days.
req-not-found = There is no such request among yours.
req-rating-question = Please rate the help with request № { $number }: from 1 (poor) to 5 (excellent).
req-rated = Your rating: { $rating } out of 5.
req-cannot-rate = Only a resolved request can be rated.
req-rating-comment-question = Thank you for the rating! Anything to add? Write a few words about the help with request № { $number } — or press «Skip».
req-rating-thanks = Thank you! Your feedback on request № { $number } is saved.


## Passport: view and edit; settings (B)
passport-title = Your family's social passport:
passport-curator = Your curator is { $curator }.
passport-no-curator = No curator has been assigned yet — one will be soon.
passport-what-next = You can change or add something here.
passport-what-else = Anything else?
passport-action-edit = Change details
passport-action-employment = Work
passport-ask-employment = Are you working now? If you are looking for work, «Support measures» will show help with training and finding a job.
passport-employment = { $value ->
        [employed] I am working
        [unemployed] I am looking for work
       *[unsaid] I'd rather not say
    }
passport-line-employment = Work: { $value ->
        [employed] working
        [unemployed] looking for work
       *[unsaid] not given
    }
passport-action-remove = Remove from the list
passport-action-invite = Invite a family member
passport-action-close = Close
passport-saved = Saved.
passport-saved-district = Saved. The district has changed — your family will get a curator of that district.
passport-which-remove = Whom should we remove from the passport?
passport-remove-confirm = Remove from the passport: { $name }?
passport-remove-yes = Yes, remove
passport-remove-no = No, keep
passport-removed = Removed from the passport.
family-invite-link =
    Forward this link to the relative who will also talk to the curator:
    { $link }
    The link works once, until { $until }. Your relative will not have to fill in the passport again.
settings-title = Settings. What do you need?
settings-language = Язык / Language
settings-announcements = { $off ->
        [yes] Announcements: off
       *[no] Announcements: on
    }
settings-announcements-changed = { $off ->
        [yes] Done, announcements are off. Messages from your curator still come. To turn them on again, open «Settings».
       *[no] Done, announcements are on: we will tell you about new support measures and events. To turn them off, open «Settings».
    }
settings-stored = What is stored about me
settings-erase = Delete my data
settings-language-question = Choose the language:
settings-language-name = { $value ->
        [en] English
       *[ru] Русский
    }
settings-language-changed = Done, the bot now writes to you in English.
settings-stored-title = Here is everything Patronazh keeps about you and your family.
settings-stored-me = About you:
settings-stored-name = Full name: { $value }
settings-stored-phone = Phone: { $value }
settings-stored-telegram = Telegram id: { $value }
settings-stored-language = Language: { settings-language-name }
settings-stored-consent = Consent to data processing: version { $version }, given { $at }
settings-stored-family = About the family:
settings-stored-members = Other family members in the bot: { $count ->
        [0] none
       *[other] { $count }
    }
settings-stored-member = • { $name } ({ passport-relationship })
settings-stored-requests = Requests: { $count ->
        [0] none
       *[other] { $count }
    }
settings-stored-request = • № { $number }, { $at }: { $category ->
        [nanny] nanny
        [kindergarten_transfer] kindergarten transfer
        [school_meals] school meals
        [psychologist] psychologist
        [elderly_care] social worker for the elderly
        [employment] work and training
        [legal] legal help
        [medical] medical help
       *[other] other
    } — { $status ->
        [new] new
        [assigned] waiting to be taken up
        [in_progress] in progress
        [waiting_family] waiting for your answer
        [resolved] resolved
        [rejected] rejected
       *[cancelled] cancelled
    }
settings-stored-messages = Messages with the curator: { $count }
settings-stored-footer = You can change details in "Social passport" and delete them in "Settings" → "Delete my data".
settings-erase-confirm =
    Delete your data? We will erase your name, phone and messages and withdraw your consent to data processing.
    If nobody else from your family uses the bot, the family's passport is erased too and open requests are cancelled. Requests remain only in anonymous statistics.
settings-erase-yes = Yes, delete
settings-erase-no = No, keep
settings-erase-kept = All right, nothing is deleted.
settings-erased =
    Your data has been deleted and your consent withdrawn. { $family ->
        [yes] The family's passport has been deleted too.
       *[no] The family's passport stays with the other family members in the bot.
    }
    If you need help, call the hotline: { $hotline }. To register again, send /start.

## Curator
cur-button-take = Take it
cur-button-resolve = Resolved
cur-button-reject = Reject
cur-card-taken = Taken: { $name }, { $time }
cur-card-status = Status: { $status ->
        [waiting_family] waiting for the family
        [resolved] resolved
        [rejected] rejected
        [cancelled] cancelled by the family
        [new] new
        [assigned] sent to a curator
       *[in_progress] in progress
    }
cur-taken = The request is yours. The family will get a message that you took it.
cur-taken-no-chat = The request is yours. The family has no chat with the bot: tell them yourself, by phone.
cur-already-yours = You are already working on this request.
cur-refused-stale = This button does not work. Open the request from its card.
cur-ask-resolve-comment = Write a short comment for the family: what has been done. The family will see it with a request to rate the help.
cur-ask-reject-reason = Write the reason for the refusal — the family will see it. If you can, say where else they could turn.
cur-done-resolved = Request No. { $number } is resolved. The family will get your comment and a request to rate the help.
cur-done-rejected = Request No. { $number } is rejected. The family will get the reason.
cur-family-taken =
    { $introduced ->
        [yes] The curator has taken your request No. { $number } ({ $time }).
       *[no] Curator { $curator } has taken your request No. { $number } ({ $time }).
    }
    The curator will get in touch with you. You can follow the request in "My requests".
cur-family-resolved =
    Your request No. { $number } is resolved.
    The curator's comment ({ $curator }): { $comment }
    If the problem is not solved, open the request in "My requests" and press "Problem not solved — return to work".
cur-family-rejected =
    Unfortunately, curator { $curator } has rejected your request No. { $number }.
    Reason: { $reason }
    If you need other help, choose "I need help" — we will take a new request.
cur-staff-cancelled = The family has cancelled request No. { $number }. You can stop working on it.
cur-staff-reopened = The family has reopened request No. { $number }: the problem is not solved. Get in touch with the family and record the outcome with the buttons below.
cur-button-family = Family card
cur-family-card-title = Family card (request No. { $number })
cur-family-card-members = Family members in the bot:
cur-family-card-member = • { $name }, phone { $phone }
cur-family-card-requests = Latest requests:
cur-family-card-request = • No. { $number } · { $category } — { $status ->
        [new] new
        [assigned] sent to a curator
        [in_progress] in progress
        [waiting_family] waiting for the family
        [resolved] resolved
        [rejected] rejected
       *[cancelled] cancelled by the family
    }
