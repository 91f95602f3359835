## A request's card for staff: the family's answers, files, «Show in full» (features/request-card)
card-crisis = 🆘 CRISIS: the family needs a psychologist right now. Contact the family as soon as you can.
card-details-title = What the family told us:
card-details-unreadable = The request's details are not available now.
card-shortened = ✂️ Long answers are shortened here (where you see «…»). The whole text: «Show in full».
card-button-full = Show in full
card-full-title = Request № { $number } · { delivery-category } — the family's answers in full:
card-files = 📎 Files from the family: { $files }{ $follow ->
        [yes] {" "}— as replies to this card.
       *[no] .
    }
card-files-photos = { $count ->
        [one] { $count } photo
       *[other] { $count } photos
    }
card-files-videos = { $count ->
        [one] { $count } video
       *[other] { $count } videos
    }
card-files-documents = { $count ->
        [one] { $count } document
       *[other] { $count } documents
    }
card-files-other = { $count ->
        [one] { $count } audio file
       *[other] { $count } audio files
    }
card-file-caption = 📎 Request № { $number }: { $count ->
        [one] { $kind ->
            [photo] a photo
            [video] a video
            [document] a document
           *[other] a file
        } from the family
       *[other] { $kind ->
            [photo] photos
            [video] videos
           *[other] photos and videos
        } from the family ({ $count })
    }
card-family-shortened = ✂️ Long answers are shortened here (where you see «…»). The whole text: open the request with its button below and press «Show in full».

card-consultation = 🗓 Psychologist consultation { $status ->
        [booked] booked for { $moment }.
        [held] held on { $moment }.
        [no_show] on { $moment }: the family did not come.
       *[cancelled] on { $moment } cancelled.
    }
card-from-measure = 🎁 The family is applying for the support measure «{ $title }» (they pressed «I want it»). Check they are eligible and help with the documents.
