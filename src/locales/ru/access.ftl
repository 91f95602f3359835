# Notices of a refused staff press (features/access): at most 200 characters, Telegram's limit for them.
access-not-staff = Эта кнопка для сотрудников службы. Если вы сотрудник, попросите администратора прислать приглашение.
access-deactivated = Ваша учётная запись сотрудника отключена, действия с заявками недоступны. Если это ошибка, обратитесь к администратору.
access-observer = Наблюдателям доступны только сводные цифры, без данных семей. Ваши команды — /help.
access-supervisors-only = Это действие доступно только руководителю службы.
access-not-found = Такой заявки нет. Ваши открытые заявки — /my.
access-erased = Семья удалила свои данные, заявка № { $number } отменена. Действия по ней недоступны.
access-out-of-scope = Эта заявка не из ваших районов, действие недоступно. Если это ошибка, напишите руководителю.
access-not-yours = Заявкой № { $number } теперь занимается куратор { $curator }, у вас она больше не в работе. Если это ошибка, напишите руководителю.
access-closed = Заявка № { $number } уже закрыта: { $status ->
    [resolved] решена
    [rejected] отклонена
   *[cancelled] отменена семьёй
  }. Изменить её нельзя.
access-not-taken = Заявка № { $number } ещё не взята в работу. Сначала нажмите «Взять в работу».
access-taken-by-other = Заявка № { $number } уже в работе, её ведёт куратор { $curator }. Передать её другому — кнопка «Переназначить».
access-no-chat = У семьи нет чата с ботом: её оформили по телефону. Сообщения отсюда до неё не дойдут, поэтому мы ничего не отправляем. Позвоните семье — телефон в её карточке{ $numbered ->
    [yes] : /family { $number }.
   *[no] .
  }

# A message taken back from a staff chat (features/delivery/retraction.ts): its text and buttons replaced.
retracted-handed-over = { $number ->
    [none] Семья передана другому куратору: { $curator }. Её сообщения вам больше не приходят.
   *[other] Заявка № { $number } передана другому куратору: { $curator }. Действия по ней вам больше недоступны, кнопки убраны.
  }
# The request's curator left the service and no colleague in the district could take it over: the district's
# supervisors have it, or (the district has none) the regional ones; other: not recorded which.
retracted-to-supervisors = { $number ->
    [none] Семья передана { $level ->
        [district] руководителю района
        [regional] региональному руководителю
       *[other] руководителю
    }. Её сообщения вам больше не приходят.
   *[other] Заявка № { $number } передана { $level ->
        [district] руководителю района
        [regional] региональному руководителю
       *[other] руководителю
    }. Действия по ней вам больше недоступны, кнопки убраны.
  }
# The recipient left the service (deactivated): a message about a request or a family that was not handed on
# to a colleague (a supervisor's cards and alerts, a closed request's card) is taken back, the family's data
# with it.
retracted-access-ended = { $number ->
    [none] Ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!
   *[other] Заявка № { $number }: ваша учётная запись сотрудника отключена, сведения убраны. Спасибо за вашу работу!
  }
# A psychologist left the service: their message about a booking (a new booking, a reminder, a family's
# cancellation or move, the notes) is taken back; yes: their leaving cancelled that booking.
retracted-consultation = { $cancelled ->
    [yes] Запись № { $consultationId } отменена: ваша учётная запись сотрудника отключена, сведения о семье убраны. Семье мы сообщили и предложили записаться снова. Спасибо за вашу работу!
   *[other] Запись № { $consultationId }: ваша учётная запись сотрудника отключена, сведения о семье убраны. Спасибо за вашу работу!
  }
retracted-erased = { $number ->
    [none] Данные семьи удалены по её просьбе.
   *[other] Данные семьи удалены по её просьбе (заявка № { $number }).
  }

# To the family's curator and the district supervisors after «Удалить мои данные» (settings.erasure.ts).
erasure-notice = Семья ({ $district }) удалила свои данные через бота. { $count ->
    [0] Открытых заявок у неё не было.
    [one] Её заявка { $numbers } отменена.
   *[other] Её заявки { $numbers } отменены.
  } Сообщения с данными семьи в этом чате скрыты или удалены, написать ей через бота больше нельзя.
