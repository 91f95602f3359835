# Messages between a family and its curator (relay). Keys are prefixed relay-.

## Headings of relayed messages
relay-about-request = request № { $number }
relay-about-general = general question
relay-label-curator = 💬 { $role ->
        [supervisor] Supervisor
       *[curator] Curator
    } { $curator } · { $about }
relay-label-question = ❓ { $role ->
        [supervisor] Supervisor
       *[curator] Curator
    } { $curator } asks · { $about }
relay-label-family = 💬 { $family } · { $about }
relay-label-resumed = This answers your question — the request is in work again.
relay-label-instead = (sent to you: the family’s curator cannot be reached in the bot)
relay-label-deputy = (sent to you as the deputy: { $curator } is away)
relay-family-unknown = Family
relay-question-footer = To answer, press «Answer the curator» below or reply to this message.
relay-correction =
    ✏️ A correction to the message above.
    { $label }
    { $text }
relay-undelivered = Your message ({ $about }) did not reach a family member: they blocked the bot. Please call the family — the phone is on the «Family card».

## Buttons
relay-button-answer-curator = Answer the curator
relay-button-answer-family = Reply
relay-button-reply = Reply
relay-button-wait = Waiting for the family
relay-button-cancel = Cancel
relay-topic-request = № { $number } · { $category }
relay-topic-general = General question

## Family
relay-choose-topic-named = Your curator is { $curator }. What would you like to write about? Choose a request or «General question». A new request for help — through «I need help».
relay-choose-topic-none = { $supervisors ->
        [district] No curator is assigned yet; your message will go to the head of curators of your district. What would you like to write about? A new request for help — through «I need help».
        [regional] No curator is assigned yet; your message will go to the regional head. What would you like to write about? A new request for help — through «I need help».
       *[none] No curator is assigned yet and the heads of the service are not available now, so a general question cannot be passed on yet. You can still leave a request — the «I need help» button. If you need help urgently, call the hotline: { $hotline }.
    }
relay-family-write = Write your message to the curator ({ $about }). Text, a photo, a document, a voice or video message — I will pass it on as it is. To stop, press «Cancel» or any menu button.
relay-family-sent = Passing it on to the curator ({ $about }). The answer will come here, to this chat.
relay-family-sent-resumed = Thank you! We are passing your answer to the curator; request № { $number } is in work again.
relay-free-sent = We are passing your message to the curator of request № { $number }. The answer will come here, to this chat. If it is about something else, press «Write to the curator» or «Need help».
relay-held-ask = { $count ->
        [1] Your message is kept.
       *[other] Your messages are kept: { $count }.
    } { $requests ->
        [0] Is it a question to the curator or a new request for help?
       *[other] Is it about one of your requests, a general question to the curator, or a new request for help?
    } Choose with a button below.
relay-held-general = General question to the curator
relay-held-new = New request
relay-held-sent = { $count ->
        [1] Passing it on to the curator ({ $about }).
       *[other] Passing your messages on to the curator ({ $about }): { $count }.
    } The answer will come here, to this chat.
relay-held-gone = These messages are taken care of already: they are on their way to the curator or part of a request.
relay-unsupported-family = I cannot pass this kind of message to the curator. Please write text or send a photo, a document, a voice or video message.
relay-refused-not-yours = This is not your request. Press «Write to the curator» and choose a request from the list.
relay-refused-not-family = This button is for families registered in the bot.
relay-refused-deactivated = Your staff account is deactivated, so this message was not sent anywhere: the family will not receive it. If this is a mistake, contact the administrator.

## Curator
relay-staff-write = Your next message goes to the family, request № { $number }. Text, photo, document, voice or video.
relay-staff-write-general = Your next message goes to the family (general question).
relay-staff-ask-question = Write your question for the family, request № { $number }. The request becomes «waiting for the family» and is back in work when the family answers.
relay-staff-sent = Passing it on to the family · request № { $number }.
relay-staff-sent-general = Passing it on to the family · general question.
relay-staff-question-sent = Passing the question on to the family. Request № { $number } is waiting for the family.
relay-unsupported-staff = This kind of message cannot go to the family. Send text, a photo, a document, a voice or video message.
relay-staff-hint = To write to a family, reply (swipe or «Reply») to the request card or to the family's message — or press «Reply» under the card. Your requests — /my.
relay-staff-reply-again = I could not tell which message you replied to: it has only just arrived. Your reply went nowhere. Reply to the same message again in a few seconds.
relay-cancelled = Cancelled. Nothing was sent.
