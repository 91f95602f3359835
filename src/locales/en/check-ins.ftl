## Regular check-ins «How are you?»
ci-ask = Hello! How are you? Choose an answer — your curator will see whether you need help.
ci-answer = { $answer ->
        [fine] All is well
        [question] I have a question
       *[call] Please call me
    }
ci-thanks-fine = We are glad all is well. If you need anything, press «I need help» in the menu.
ci-thanks-call = We have asked your curator to call you. If it is urgent, press «I need help» in the menu.
ci-no-curator = You have no curator yet, so there is no one to call you. Write what happened through «I need help» in the menu — we will pass the request to a free curator or a supervisor.
ci-already = You have answered already, thank you. If you need anything, press «I need help» in the menu.
ci-call-task = 📞 The family asks for a call: { $name }, phone { $phone }.
    After the call press «Record the call outcome».
ci-silent-task = 📞 The family has not answered «How are you?» for 7 days — please call: { $name }, phone { $phone }.
    After the call press «Record the call outcome».
ci-no-phone = not given (find the family with /family)
ci-button-outcome = Record the call outcome
ci-outcome = { $outcome ->
        [talked] Talked, all is well
        [needs_help] Talked, help is needed
       *[no_answer] No answer
    }
ci-outcome-saved = Call outcome recorded: { $outcome }. { $next ->
        [needs_help] Ask the family to press «I need help» in the bot and describe what they need. If the family has no Telegram, find it with /family and press «Make a request on the family's behalf».
        [no_answer] Try calling again at another time.
       *[talked] Thank you!
    }
ci-last-contact = Last contact: { $date }
ci-last-contact-none = No contact with the family yet
ci-my-title = Your families ({ $count }), longest without contact first:
ci-my-family = • { $name } — last contact: { $date }
## /silent
ci-silent-title = Families without contact for more than { $days } days: { $count }
ci-silent-line = • { $name } — { $district }; last contact: { $last }; curator: { $curator }
ci-silent-never = none
ci-silent-none = Every family is in touch: none without contact for more than { $days } days.
ci-silent-next = To call a family, open its card: /family and the name or phone.
ci-silent-more = …and { $count } more. Name a district: /silent <district code>.
