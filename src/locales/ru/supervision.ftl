## Руководители и наблюдатели: /overdue, /stats, /find, /export, переназначение

sup-command-staff-only = Эта команда — для руководителей службы. Ваши заявки приходят в этот чат карточками; если нужна сводка, попросите руководителя.
sup-command-observer = Эта команда — для руководителей службы: она показывает отдельные заявки и семьи. Наблюдателям доступны /stats — статистика и /export — реестр заявок без персональных данных.
sup-command-family = Эта команда — для сотрудников службы. Чтобы попросить о помощи, нажмите «Нужна помощь» в меню, а ваши заявки — в разделе «Мои заявки».
sup-command-stranger = Эта команда — для сотрудников службы. Чтобы начать, отправьте /start.

sup-refused-not-supervisor = Эта кнопка — для руководителей службы.
sup-refused-bad-curator = Этот куратор не может принять заявку: он не работает в районе семьи или неактивен. Выберите другого.
sup-refused-stale = Эта кнопка не действует. Откройте заявку через /overdue или /find.

sup-scope-region = весь регион
sup-scope-categories = {" "}(только категории: { $list })
sup-no-curator = без куратора
sup-unit-days = { $n } д
sup-unit-hours = { $n } ч
sup-unit-minutes = { $n ->
        [0] меньше минуты
       *[other] { $n } мин
    }
sup-share = { $percent }% ({ $part } из { $whole })
sup-status = { $status ->
        [new] новая
        [assigned] передана куратору
        [in_progress] в работе
        [waiting_family] ждём ответа семьи
        [resolved] решена
        [rejected] отклонена
       *[cancelled] отменена семьёй
    }

sup-overdue-none = Просроченных заявок нет.
sup-overdue-title = Просроченные заявки: { $total } (страница { $page } из { $pages }). Сначала самые давние.
sup-overdue-line = { $urgent ->
        [yes] 🔴 № { $number }
       *[no] № { $number }
    } · { $category } · { $district }
    { $clock ->
        [take] Не взята в работу, просрочка { $late }
       *[resolve] Не решена в срок, просрочка { $late }
    } · куратор: { $curator }
sup-button-request = № { $number }
sup-button-previous = ‹ Назад
sup-button-next = Дальше ›
sup-button-open = Открыть
sup-button-reassign = Переназначить
sup-button-family-reassign = Передать семью другому куратору
sup-button-curator = { $name } (открытых: { $open })
sup-button-curator-away = { $name } (открытых: { $open }; нет на месте до { $until })

sup-card-status = Статус: { $status } · куратор: { $curator }
sup-card-deadlines = Решить до: { $resolve }

sup-reassign-ask = Кому передать заявку № { $number }? В скобках — сколько открытых заявок у куратора.
sup-reassign-family-ask = Кому передать семью (заявка № { $number }) со всеми её открытыми заявками?
sup-reassign-nobody = В районе семьи нет другого активного куратора. Добавьте куратора через администратора или оставьте заявку за нынешним.
sup-reassigned = Заявка № { $number } передана: { $curator }. Новый и прежний кураторы и семья получат сообщение.
sup-reassigned-already = Заявку № { $number } уже ведёт куратор { $curator }.
sup-family-reassigned = Семья передана: { $curator }. Открытые заявки: { $requests }. Кураторы и семья получат сообщение.
sup-family-reassigned-already = Семью уже ведёт куратор { $curator }.

sup-notice-request-to = { $by ->
        [left] Вам передана заявка № { $number }: прежний куратор больше не работает в службе.
       *[supervisor] Руководитель передал вам заявку № { $number }.
    }
sup-notice-request-from = Руководитель передал вашу заявку № { $number } другому куратору, теперь её ведёт { $curator }. Работу по ней можно прекратить.
sup-notice-family-to =
    { $by ->
        [left] 👋 Вам передана семья: прежний куратор больше не работает в службе.
       *[supervisor] 👋 Руководитель передал вам семью.
    }
    Заявитель: { $name }
    Район: { $district }
    { $count ->
        [0] Открытых заявок у семьи нет.
       *[other] Открытые заявки семьи ({ $count }), теперь они ваши:
    }
sup-notice-family-to-request = { $urgent ->
        [yes] 🔴 № { $number }
       *[no] № { $number }
    } · { $category } · { $stage ->
        [take] { $overdue ->
            [yes] ⏰ не взята в работу, срок был { $deadline }
           *[no] взять в работу до { $deadline }
        }
       *[work] { $overdue ->
            [yes] ⏰ в работе, решить нужно было до { $deadline }
           *[no] в работе, решить до { $deadline }
        }
    }
sup-notice-family-to-end = { $count ->
        [0] Кто в семье и что ей уже положено — в карточке семьи, кнопка ниже.
       *[other] Сроки — { $regionTime }. Карточка каждой заявки придёт отдельным сообщением, кто в семье — в карточке семьи, кнопка ниже.
    }
sup-notice-family-from = Руководитель передал вашу семью с её открытыми заявками другому куратору, теперь её ведёт { $curator }. Работу по ним можно прекратить.
sup-family-request-reassigned = Вашей заявкой № { $number } теперь занимается куратор { $curator }. Куратор свяжется с вами; следить за заявкой можно в разделе «Мои заявки».
sup-family-curator-changed = Ваш новый куратор — { $curator }. Куратор будет на связи по всем вашим заявкам; написать можно через «Написать куратору».

sup-period-invalid = Не удалось разобрать период. Примеры: /stats — последние 30 дней, /stats 7d — 7 дней, /stats 2026-11 — ноябрь 2026, /stats 2026-11-01..2026-11-15 — с 1 по 15 ноября. Можно добавить район и категорию словами: /stats 2026-11 Грязинский няня.
sup-coverage-title = 🤝 Меры поддержки сегодня: оформлено из положенного по паспорту
sup-coverage-line = • { $district }: { $share }; семей, которым что-то положено: { $families }
sup-coverage-none = • пока нет семей, которым положены меры из каталога
sup-stats-title = 📊 Статистика за { $period }
sup-stats-scope = Охват: { $scope }
sup-stats-filter = Отбор: { $filter }
sup-stats-created = Создано заявок: { $count }
sup-stats-taken-in-time = Взяты в работу в срок: { $share }
sup-stats-resolved-in-time = Решены в срок: { $share }
sup-stats-median-take = Медиана до взятия: { $duration }
sup-stats-median-resolve = Медиана до решения: { $duration }
sup-stats-rating = Средняя оценка: { $rating } (оценок: { $count })
sup-stats-by-status = По статусам: { $list }
sup-stats-by-district = По районам:
sup-stats-by-category = По категориям:
sup-stats-by-curator = По кураторам:
sup-stats-line = • { $name }: заявок { $created }; взяты в срок { $taken }, решены в срок { $resolved }; медиана до взятия { $medianTake }, до решения { $medianResolve }; оценка { $rating }
sup-stats-empty = За этот период заявок нет.

sup-find-usage = Напишите после /find номер заявки, телефон или часть имени. Например: /find 1042, /find +79001234567, /find Иванова
sup-find-nothing = В ваших районах ничего не нашлось. Проверьте номер или напишите имя иначе.
sup-find-family = Семья · { $district } · куратор: { $curator }
sup-find-member = • { $name }, телефон { $phone }
sup-find-no-requests = Заявок пока нет.
sup-find-request = № { $number } · { $category } — { $status }

sup-export-usage = Формат: /export [период] [район] [категория]. Например: /export, /export 2026-11, /export 7d Грязинский няня. Район и категорию пишите словами, можно началом слова.
sup-filter-unknown = Не удалось разобрать «{ $word }». Примеры: { $command } 7d — 7 дней, { $command } 2026-11 — ноябрь 2026, { $command } 2026-11 Грязинский няня — район и категория словами, можно началом слова. Ваши районы: { $districts }. Категории: { $categories }.
sup-filter-ambiguous = «{ $word }» подходит к нескольким: { $options }. Напишите точнее — например, название целиком.
sup-export-district-out-of-scope = Этот район не входит в ваши. Выгрузка доступна только по вашим районам.
sup-export-category-out-of-scope = Эта категория не входит в ваши. Выгрузка доступна только по вашим категориям.
sup-export-caption = Реестр заявок: { $rows } { $rows ->
        [one] строка
        [few] строки
       *[many] строк
    }. Лист «Итоги» — сводные цифры.

sup-xlsx-sheet-requests = Заявки
sup-xlsx-sheet-totals = Итоги
sup-xlsx-yes = да
sup-xlsx-no = нет
sup-xlsx-urgent = срочно
sup-xlsx-planned = планово
sup-xlsx-col-number = Номер
sup-xlsx-col-created = Создана
sup-xlsx-col-district = Район
sup-xlsx-col-category = Категория
sup-xlsx-col-urgency = Срочность
sup-xlsx-col-status = Статус
sup-xlsx-col-curator = Куратор
sup-xlsx-col-applicant = Заявитель
sup-xlsx-col-phone = Телефон
sup-xlsx-col-address = Адрес
sup-xlsx-col-take-deadline = Взять до
sup-xlsx-col-taken = Взята
sup-xlsx-col-taken-in-time = Взята в срок
sup-xlsx-col-resolve-deadline = Решить до
sup-xlsx-col-resolved = Решена
sup-xlsx-col-resolved-in-time = Решена в срок
sup-xlsx-col-rating = Оценка
sup-xlsx-col-rating-comment = Комментарий к оценке
sup-xlsx-col-created-count = Создано
sup-xlsx-col-taken-pct = Взяты в срок, %
sup-xlsx-col-resolved-pct = Решены в срок, %
sup-xlsx-col-median-take = Медиана до взятия
sup-xlsx-col-median-resolve = Медиана до решения
sup-xlsx-total-period = Период
sup-xlsx-total-created = Создано заявок
sup-xlsx-total-taken-in-time = Взяты в срок, %
sup-xlsx-total-resolved-in-time = Решены в срок, %
sup-xlsx-total-median-take = Медиана до взятия
sup-xlsx-total-median-resolve = Медиана до решения
sup-xlsx-total-rating = Средняя оценка
sup-xlsx-by-status = По статусам
sup-xlsx-count = Заявок
sup-xlsx-by-district = По районам
sup-xlsx-by-category = По категориям
sup-xlsx-by-curator = По кураторам
sup-stats-field = Анкеты нужд за период: { $questionnaires }; найдено нужд (стали заявками): { $findings }{ $topics }. Заполнить анкету — /field (кураторы и выездные специалисты).
