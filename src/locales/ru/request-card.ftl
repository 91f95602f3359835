## Карточка заявки у сотрудников: ответы семьи, файлы, «Показать полностью» (features/request-card)
card-crisis = 🆘 КРИЗИС: семье нужна помощь психолога прямо сейчас. Свяжитесь с семьёй как можно скорее.
card-details-title = Что рассказала семья:
card-details-unreadable = Подробности заявки сейчас недоступны.
card-shortened = ✂️ Длинные ответы здесь сокращены (где «…»). Весь текст — по кнопке «Показать полностью».
card-button-full = Показать полностью
card-full-title = Заявка № { $number } · { delivery-category } — ответы семьи полностью:
card-files = 📎 Файлы от семьи: { $files }{ $follow ->
        [yes] {" "}— ответом на эту карточку.
       *[no] .
    }
card-files-photos = { $count } фото
card-files-videos = { $count } видео
card-files-documents = { $count ->
        [one] { $count } документ
        [few] { $count } документа
       *[many] { $count } документов
    }
card-files-other = { $count ->
        [one] { $count } аудиофайл
        [few] { $count } аудиофайла
       *[many] { $count } аудиофайлов
    }
card-file-caption = 📎 Заявка № { $number }: { $count ->
        [one] { $kind ->
            [photo] фото
            [video] видео
            [document] документ
           *[other] файл
        } от семьи
       *[other] { $kind ->
            [photo] фото
            [video] видео
           *[other] фото и видео
        } от семьи ({ $count })
    }
card-family-shortened = ✂️ Длинные ответы здесь сокращены (где «…»). Весь текст: откройте заявку кнопкой ниже и нажмите «Показать полностью».

card-consultation = 🗓 Консультация психолога { $status ->
        [booked] назначена на { $moment }.
        [held] состоялась { $moment }.
        [no_show] на { $moment }: семья не пришла.
       *[cancelled] на { $moment } отменена.
    }
card-from-measure = 🎁 Семья оформляет меру поддержки «{ $title }» (нажала «Хочу оформить»). Проверьте, что ей положено, и помогите с документами.
