## Field questionnaires: /field (field workers and curators)

field-ask-phone = Needs questionnaire. Type the phone of a family member as it was registered, e.g. +7 900 123-45-67.
field-hint-phone = That does not look like a phone number. Type it in digits, e.g. +7 900 123-45-67.
field-hint-letters = Please describe in words what the family needs.
field-refused = { $reason ->
        [not_found] No family with this phone. Check the number and start again: /field. If the family is not registered yet, a curator can register it by phone: /intake.
        [out_of_scope] This family is not in your districts; the questionnaire is not available. If this is a mistake, write to your supervisor.
       *[wrong_role] Needs questionnaires are filled in by field workers and curators. Your commands: /help.
    }
field-ask-contact = How did you reach the family?
field-contact = { $contact ->
        [visit] 🏠 Visit
       *[call] 📞 Call
    }
field-ask = { $topic ->
        [living_alone] Does the person live alone?
        [mobility] Can they leave home and get about on their own?
        [care_at_home] Is care at home needed?
        [children] How are the children: is help with kindergarten, school or looking after them needed?
        [employment] Is help with a job or training needed?
       *[other_help] What other help does the family need? Keep it short. If none, press «Skip».
    }
field-answer = { $value ->
        [yes] Yes
        [no] No
        [independent] On their own
        [limited] With difficulty, but manage
        [not_needed] Not needed
        [no_children] No children
        [fine] All is well
        [employed] Employed
        [not_looking] Not looking for work
       *[needs_help] 🆘 Needs help
    }
field-ask-need = { $topic ->
        [mobility] What help is needed to get about? Keep it short.
        [care_at_home] What care is needed at home? Keep it short.
        [children] What do the children need? Keep it short.
       *[employment] What help with work or training is needed? Keep it short.
    }
field-ask-save = { $needs ->
        [0] No request is needed. Save the questionnaire?
        [one] { $needs } request will be made to the family's curator. Save the questionnaire?
       *[other] { $needs } requests will be made to the family's curator. Save the questionnaire?
    }
field-save-yes = ✅ Save
field-save-no = Don't save
field-dropped = All right, the questionnaire was not saved. To fill it in again: /field.
field-saved = { $count ->
        [0] The questionnaire is saved. No request was needed. Next questionnaire: /field.
        [one] The questionnaire is saved. Request № { $numbers } was made; the family's curator will get its card. Next questionnaire: /field.
       *[other] The questionnaire is saved. Requests № { $numbers } were made; the family's curator will get their cards. Next questionnaire: /field.
    }
field-request-text = Found { $contact ->
        [visit] on a visit
       *[call] on a call
    } (needs questionnaire): { field-topic }. { $text }
field-topic = { $topic ->
        [mobility] getting about
        [care_at_home] care at home
        [children] children
        [employment] work and training
       *[other_help] other help
    }
