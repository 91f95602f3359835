## Intake: delays and too many messages
intake-delayed = We are answering with a delay right now. Your message has been received, there is no need to repeat it: we will handle it as soon as we can.
intake-slow-down =
    You are sending a great many messages in a row, and some of them did not get through. Please write a little less often.
    Wait a minute and send again whatever matters.
