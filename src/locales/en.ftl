# Bot texts in English. Russian (ru.ftl) is the primary language and the fallback.

## General
start-greeting =
    Hello! This is Patronazh, the support service for families of mobilized servicemen.
    Your family gets its own social curator here. They are reachable around the clock and can help with a nanny, a kindergarten, a psychologist, care for elderly relatives and more.
error-generic = Something went wrong. Your data is safe — please try again in a minute.

## Staff invites
staff-invite-welcome =
    { $name }, welcome! You are connected as { $role ->
        [curator] a social curator
        [supervisor] a curators' supervisor
       *[observer] an observer
    }.
    New requests and notifications will arrive here.
staff-invite-forged = This invite link is not valid. Please ask the administrator for a new one.
staff-invite-used = This link has already been used. Each invite works once — please ask the administrator for a new one.
staff-invite-expired = This link has expired. Please ask the administrator for a new invite.
staff-invite-already-staff = This account is already connected as staff. To change the role, contact the administrator.

## Delivery and routing
delivery-request-card =
    { $urgent ->
        [yes] 🔴 Urgent request № { $number }
       *[no] New request № { $number }
    }
    Category: { delivery-category }
    Urgency: { $urgent ->
        [yes] urgent
       *[no] planned
    }
    District: { $district }
    Family: { $family }
    Take by: { $deadline } ({ $timeZone })
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
delivery-family-without-curator =
    A family registered in the district “{ $district }”, but it has no active curator.
    Please assign a curator to the family (family id in the system: { $familyId }).
delivery-recipient-unreachable =
    { $unreachable } has blocked the bot and gets no notifications about request № { $number }.
    { $next ->
        [none] Nobody could take the request automatically — please assign a curator.
       *[other] The request went to: { $next }.
    }
delivery-supervisors = the district supervisors

## Dialogues: hints and common buttons (B)
dialogue-skip = Skip
dialogue-hint-expected-text = Please answer in text, in one message.
dialogue-hint-expected-button = Please choose an option with the buttons under the question.
dialogue-hint-expected-contact = Please press the "Share my number" button at the bottom of the screen.
dialogue-hint-expected-file = Send a photo or a file. When you have sent everything, press the button under the message.
dialogue-hint-too-long = That is too long. Please keep it within { $max } characters.
dialogue-hint-invalid-text = We could not make out the answer. Please write it again.
dialogue-hint-stale-button = This button no longer works. Please answer the latest question.
dialogue-hint-date-format = Please write the date as DD.MM.YYYY, for example 05.03.2015.
dialogue-hint-date-too-old = That date is too long ago. Please check the year.
dialogue-hint-date-future = That date has not come yet. Please check it.
dialogue-hint-date-past = That date has passed. Please give today or a later date.
dialogue-hint-contact-typed = We cannot accept a number typed as text. Press the "Share my number" button at the bottom of the screen — that way we know the number is yours.
dialogue-hint-contact-foreign = This is someone else's contact. We need your own number — press "Share my number".
dialogue-contact-thanks = Thank you, we have your number.
dialogue-files-done = Done ({ $count })
dialogue-file-received = Received. Files: { $count }. You can send more or press "Done".
dialogue-hint-file-too-big = The file is too big: up to { $maxMb } MB, please.
dialogue-hint-too-many-files = No more than { $max } files can be attached. Please press "Done".
dialogue-hint-file-repeated = We already have this file.
dialogue-too-many-hints =
    It seems this question is not working out. No problem — start again from the menu whenever it suits you.
    If you need help right now, choose "I need help".
dialogue-too-many-hints-unregistered = It seems this is not working out right now. No problem — send /start whenever it suits you and we will begin again.
dialogue-idle-closed = We did not hear back, so we closed the unfinished conversation. Nothing is lost — start again from the menu whenever it suits you.
dialogue-idle-closed-unregistered = We did not hear back, so we closed the unfinished registration. Send /start whenever it suits you and we will begin again.

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
menu-register-first = Please register first — send /start.
menu-write-curator-named =
    Your curator is { $curator }.
    To reach the curator, write through "I need help" (a new request) or in "My requests" (about an open request). Direct messages to the curator will appear here soon.
menu-write-curator-none =
    Your family has no curator yet — the district supervisor already knows.
    If you need help, choose "I need help": requests are accepted without a curator too.
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
    A curator will be assigned soon — the district supervisor has been notified.
    When you need help, press "I need help": requests are accepted now too.
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
passport-line-applicant = Applicant: { $name }
passport-line-relationship = Relationship: { passport-relationship }
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

## Passport: view and edit; settings (B)
passport-title = Your family's social passport:
passport-curator = Your curator is { $curator }.
passport-no-curator = No curator has been assigned yet — one will be soon.
passport-what-next = You can change or add something here.
passport-what-else = Anything else?
passport-action-edit = Change details
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
        [assigned] passed to the curator
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
