## Support measures: what the family is entitled to by its social passport
sm-title = Support measures
sm-eligible = You are entitled to:
sm-none-eligible = We have not found measures you are entitled to by your social passport yet. See «Other measures» below or ask your curator through «I need help».
sm-received = Received:
sm-received-line = • { $title } — since { $since }
sm-others = Other measures:
sm-next = Press a measure to learn how to get it.
sm-who = Who is entitled: { $who }
sm-documents = Documents:
sm-where = Where to apply: { $where }
sm-contacts = Contacts: { $contacts }
sm-valid-to = Valid until { $date }.
sm-state = { $state ->
        [eligible] By your social passport you are entitled to this measure. Press «I want it» — we will ask a few questions and pass the request to your curator.
        [received] You already receive this measure. If something is wrong, write to your curator through «I need help».
       *[other] By your social passport we do not see that you are entitled to this measure. If that is wrong, press «I want it» — your curator will check.
    }
sm-start-request = I want it
sm-back = ← All support measures
sm-gone = This measure is no longer on the list. Open «Support measures» again.
sm-offer = { $count ->
        [1] You are now entitled to a support measure:
       *[other] You are now entitled to support measures:
    }
sm-offer-next = Press a measure: it says how to get it, and has the «I want it» button.
