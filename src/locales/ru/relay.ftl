# Переписка семьи и куратора (relay). Ключи с префиксом relay-.

## Подписи к пересланным сообщениям
relay-about-request = заявка № { $number }
relay-about-general = общий вопрос
relay-label-curator = 💬 Куратор { $curator } · { $about }
relay-label-question = ❓ Куратор { $curator } спрашивает · { $about }
relay-label-family = 💬 { $family } · { $about }
relay-family-unknown = Семья
relay-question-footer = Чтобы ответить, нажмите «Ответить куратору» ниже или ответьте на это сообщение.
relay-correction =
    ✏️ Исправление к сообщению выше.
    { $label }
    { $text }
relay-undelivered = Ваше сообщение ({ $about }) не дошло до члена семьи: он(а) заблокировал(а) бота. Позвоните семье — телефон есть в «Карточке семьи».

## Кнопки
relay-button-answer-curator = Ответить куратору
relay-button-answer-family = Ответить
relay-button-reply = Ответить
relay-button-wait = Ждём ответа семьи
relay-button-cancel = Отмена
relay-topic-request = № { $number } · { $category }
relay-topic-general = Общий вопрос

## Семья
relay-choose-topic-named = Ваш куратор — { $curator }. О чём вы хотите написать? Выберите заявку или «Общий вопрос».
relay-choose-topic-none = Куратор пока не назначен, ваше сообщение прочитает руководитель службы. О чём вы хотите написать?
relay-family-write = Напишите сообщение куратору ({ $about }). Можно текст, фото, документ, голосовое или видео — я передам всё как есть. Закончить — кнопка «Отмена» или любая кнопка меню.
relay-family-sent = Передали куратору ({ $about }). Ответ придёт сюда, в этот чат.
relay-family-sent-resumed = Спасибо! Ваш ответ передан куратору, заявка № { $number } снова в работе.
relay-unsupported-family = Такое сообщение я не могу передать куратору. Напишите текстом или пришлите фото, документ, голосовое или видео.
relay-refused-not-yours = Это не ваша заявка. Нажмите «Написать куратору» и выберите заявку из списка.
relay-refused-not-family = Эта кнопка для семей, которые зарегистрированы в боте.

## Куратор
relay-staff-write = Следующее ваше сообщение уйдёт семье по заявке № { $number }. Можно текст, фото, документ, голосовое или видео.
relay-staff-write-general = Следующее ваше сообщение уйдёт семье (общий вопрос).
relay-staff-ask-question = Напишите вопрос для семьи по заявке № { $number }. Заявка перейдёт в статус «ждём ответа семьи»; когда семья ответит, она вернётся в работу.
relay-staff-sent = Отправлено семье · заявка № { $number }.
relay-staff-sent-general = Отправлено семье · общий вопрос.
relay-staff-question-sent = Вопрос отправлен семье. Заявка № { $number } ждёт ответа семьи.
relay-unsupported-staff = Такое сообщение не передать семье. Отправьте текст, фото, документ, голосовое или видео.
relay-refused-not-in-work = Заявка не в работе: спросить семью можно, когда заявка взята в работу.
relay-cancelled = Отменено. Сообщение никуда не отправлено.
