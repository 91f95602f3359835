## Сроки и эскалации (тексты для сотрудников)
dl-reminder =
    { $clock ->
        [take] ⏰ Напоминание: заявка № { $number } ждёт, чтобы её взяли в работу.
       *[resolve] ⏰ Напоминание: заявку № { $number } нужно решить.
    }
    { $category }, { $district }.
dl-reminder-left = Срок: { $deadline } { $regionTime }, осталось { $left }.
dl-reminder-overdue = Срок был: { $deadline } { $regionTime }, он прошёл { $late } назад.
dl-reminder-deputy = Вы получили это как заместитель. Куратор заявки — { $curator }.
dl-alert =
    { $level ->
        [regional] 🔴 Заявка № { $number } просрочена вдвое.
       *[district] ⚠️ Заявка № { $number } просрочена.
    }
    { $clock ->
        [take] Её не взяли в работу.
       *[resolve] Её не решили.
    }
    { $category }, { $district }.
    { $level ->
        [regional] Срок был: { $deadline } { $regionTime }, опоздание { $late }.
       *[district] { $justNow ->
            [yes] Срок истёк только что: { $deadline } { $regionTime }.
           *[no] Срок был: { $deadline } { $regionTime }, опоздание { $late }.
        }
    }
    Куратор: { $curator }.
dl-alert-regional-note = Руководители района уже получили оповещение.
dl-alert-now-status = Сейчас заявка уже { $status ->
        [in_progress] в работе
        [waiting_family] ждёт ответа семьи
        [resolved] решена
        [rejected] отклонена
        [cancelled] отменена семьёй
       *[other] в работе
    }.
dl-curator-none = не назначен
dl-digest =
    Ещё просроченные заявки за последнюю минуту: { $count }. Чтобы не засыпать вас сообщениями, собрали их в одно:
    { $numbers }
    Откройте список просроченных — там можно открыть каждую заявку и переназначить её.
dl-urgent =
    🔴 Срочная заявка № { $number }: семье нужна помощь психолога прямо сейчас.
    Район: { $district }. Куратор: { $curator }.
    Взять в работу нужно до { $deadline } { $regionTime }.
dl-urgent-supervisor-hint = Если куратор не отвечает — переназначьте заявку.
dl-urgent-on-call-hint = Вы дежурный куратор: будьте готовы подключиться, если руководитель передаст заявку вам.
dl-button-open = Открыть
dl-button-reassign = Переназначить
dl-button-overdue = Все просроченные
dl-days = { $n } д
dl-hours = { $n } ч
dl-minutes = { $n } мин
dl-seconds = { $n } с
