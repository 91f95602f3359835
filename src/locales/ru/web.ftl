# Панель мониторинга (src/web, src/features/web-access, src/features/monitoring).

web-link =
    Ваша ссылка в панель мониторинга:
    { $url }

    Она действует 10 минут и открывается один раз. Не пересылайте её никому. Понадобится новая — отправьте /web ещё раз.
web-link-staff = Панель мониторинга открыта руководителям, наблюдателям и администраторам. Если она нужна вам для работы, обратитесь к администратору; ваши команды — в меню бота.
web-link-family = Эта команда для сотрудников программы. Чтобы вернуться к своим заявкам, отправьте /menu.
web-link-stranger = Панель мониторинга доступна только сотрудникам программы. Если вы сотрудник, попросите у администратора приглашение.

web-title = Патронаж: мониторинг
web-skip = Перейти к содержанию
web-nav = Разделы
web-nav-overview = Обзор
web-nav-register = Реестр заявок
web-nav-families = Семьи
web-nav-operations = Работа системы
web-nav-request = Заявка
web-sign-out = Выйти

web-sign-in-title = Нужно войти
web-sign-in = Чтобы открыть панель, отправьте боту команду /web и откройте ссылку из ответа.
web-sign-in-widget = Или войдите через Telegram:
web-signed-out-title = Вы вышли
web-signed-out = Сеанс завершён. Чтобы войти снова, отправьте боту команду /web.
web-login-used-title = Ссылка уже использована
web-login-used = По этой ссылке уже входили, второй раз она не открывается. Отправьте боту команду /web — он пришлёт новую.
web-login-expired-title = Ссылка устарела
web-login-expired = Ссылка действует 10 минут. Отправьте боту команду /web — он пришлёт новую.
web-login-forged-title = Ссылка не найдена
web-login-forged = Такой ссылки нет: возможно, она скопирована не полностью. Отправьте боту команду /web и откройте ссылку из ответа.
web-login-not-allowed-title = Доступа нет
web-login-not-allowed = Ваша роль изменилась, и эта ссылка больше не действует. Если доступ нужен, обратитесь к администратору.
web-not-found-title = Страница не найдена
web-not-found = Такой страницы нет или она вам недоступна. Вернитесь в раздел «Обзор».
web-forbidden-title = Действие не выполнено
web-forbidden = Форма устарела. Обновите страницу и повторите.
web-too-many-title = Слишком много попыток
web-too-many = Подождите минуту и попробуйте снова.
web-failed-title = Что-то пошло не так
web-failed = Страница не открылась. Обновите её через минуту; если не выйдет, сообщите администратору.

web-period = Период
web-period-7 = 7 дней
web-period-30 = 30 дней
web-period-90 = 90 дней
web-period-custom = Свои даты
web-from = С
web-to = По
web-district = Район
web-all-districts = Все доступные районы
web-apply = Показать
web-updated = Данные на { $time }. Страница обновляется сама раз в 30 секунд.
web-table = Таблица
web-no-data = За выбранный период данных нет.

web-created = Заявок за период
web-overdue-now = Просрочено сейчас
web-taken-in-time = Взяты в срок
web-resolved-in-time = Решены в срок
web-median-take = Медиана до взятия
web-median-resolve = Медиана до решения
web-rating = Средняя оценка
web-families = Семей зарегистрировано
web-passports = Паспортов заполнено

web-chart-per-day = Заявки по дням и категориям
web-chart-open = Открытые заявки по районам и статусам
web-chart-in-time-district = Доля в срок по районам
web-chart-in-time-category = Доля в срок по категориям
web-chart-per-curator = Открытые заявки у кураторов
web-col-day = День
web-col-district = Район
web-col-category = Категория
web-col-curator = Куратор
web-col-open = Открыто
web-no-curator = без куратора

web-any = Все
web-status = Статус
web-urgency = Срочность
web-overdue-only = Только просроченные
web-search = Поиск
web-search-hint = № заявки, телефон или ФИО
web-total = { $count ->
        [one] Найдена { $count } заявка
        [few] Найдено { $count } заявки
       *[other] Найдено { $count } заявок
    }
web-export = Выгрузить эти заявки (.xlsx)
web-col-number = Номер
web-col-created = Создана
web-col-deadline = Срок
web-pages = Страницы
web-prev = ← Назад
web-next = Дальше →
web-page = Страница { $page } из { $pages }

web-request-title = Заявка № { $number }
web-request-card = Карточка
web-request-details = Ответы семьи полностью
web-request-files = Вложения
web-request-no-files = Вложений нет.
web-file-kind = { $kind ->
        [photo] фото
        [voice] голосовое сообщение
        [video] видео
        [video_note] видеосообщение
        [audio] аудио
       *[document] документ
    }
web-request-timeline = История
web-col-when = Когда
web-col-event = Что произошло
web-col-who = Кто
web-actor-family = семья
web-actor-staff = сотрудник
web-actor-system = система
web-event = { $type ->
        [created] Заявка создана
        [assigned] Передана куратору
        [taken] Взята в работу
        [status_changed] Статус изменён
        [message] Сообщение
        [escalated] Эскалация: срок нарушен
        [reassigned] Переназначена
        [family_card_viewed] Открыта карточка семьи
        [rated] Семья поставила оценку
        [reopened] Открыта снова
        [cancelled] Отменена семьёй
       *[delivery_failed] Сообщение не доставлено
    }
web-reassign = Переназначить
web-reassign-to = Новый куратор
web-reassign-submit = Переназначить
web-reassign-none = Переназначить нельзя: заявка закрыта или в районе нет других активных кураторов.
web-reassign-done = Готово: заявка у нового куратора. Он, прежний куратор и семья получат уведомления в боте.
web-reassign-refused = Переназначить не получилось: заявка уже закрыта или куратор недоступен. Обновите страницу и выберите снова.
web-open-count = открытых: { $count }

web-families-count = Семьи по районам
web-families-share = Доля семей по районам
web-families-note = Паспорт считается заполненным, если указаны адрес, ФИО военнослужащего и хотя бы один член семьи.
web-measures = Получают меры поддержки

web-measures-coverage = Меры поддержки: получено из положенных
web-measures-received = Получено из положенных

web-ops-outbox-pending = Событий ждут отправки
web-ops-outbox-lag = Отставание очереди событий
web-ops-pending = Уведомлений ждут отправки
web-ops-failed = Уведомлений не доставлено
web-ops-queues = Очереди задач (Bull Board)
web-ops-notifications = Уведомления в ожидании и с ошибкой
web-col-kind = Вид
web-col-attempts = Попыток
web-col-error = Последняя ошибка
web-seconds = с
