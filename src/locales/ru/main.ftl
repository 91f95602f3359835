# Тексты бота. Русский — основной язык. Пишем коротко, на «вы», с понятным следующим шагом.

## Общее
start-greeting =
    Здравствуйте! Это «Патронаж» — служба поддержки семей мобилизованных.
    Здесь у вашей семьи будет свой социальный куратор. Он на связи круглосуточно и поможет с няней, детским садом, психологом, уходом за пожилыми родственниками и другими вопросами.
# The update may still be handled again by itself (a webhook retry): never ask for a repeat that is not needed.
error-generic = Извините, сейчас не получилось ответить. Если ответа не будет через минуту, отправьте, пожалуйста, сообщение ещё раз.
# A dialogue step failed: the answer was not taken, and the question comes again right after this.
dialogue-failed-ask-again = Извините, ваш ответ не получилось обработать. Ответьте, пожалуйста, на этот вопрос ещё раз:
region-time = { $zone ->
        [kaliningrad] по калининградскому времени
        [moscow] по московскому времени
        [samara] по самарскому времени
        [yekaterinburg] по екатеринбургскому времени
        [omsk] по омскому времени
        [krasnoyarsk] по красноярскому времени
        [irkutsk] по иркутскому времени
        [yakutsk] по якутскому времени
        [vladivostok] по владивостокскому времени
        [magadan] по магаданскому времени
        [kamchatka] по камчатскому времени
       *[other] по местному времени
    }

## Приглашения сотрудников
staff-invite-welcome =
    { $name }, добро пожаловать! { $role ->
        [curator] Вы подключены как социальный куратор. Сюда будут приходить карточки заявок ваших семей — с кнопками, чтобы взять заявку в работу и ответить семье.
        [supervisor] Вы подключены как руководитель кураторов ваших районов. Сюда будут приходить предупреждения о заявках, не взятых или не решённых в срок, и заявки, которые некому передать.
        [regional] Вы подключены как руководитель по региону. Сюда будут приходить предупреждения о заявках всего региона, просроченных вдвое, а также заявки и предупреждения районов, где нет своего руководителя.
        [field] Вы подключены как выездной специалист. После визита или звонка семье заполните анкету её нужд — /field: каждое «нужна помощь» станет заявкой её куратору.
        [psychologist] Вы подключены как психолог. Сюда будут приходить записи семей на консультации, переносы, отмены и напоминания. Начните с расписания: /schedule.
       *[observer] Вы подключены как наблюдатель. Вам доступны статистика — /stats — и реестр заявок без персональных данных — /export. Уведомления о заявках наблюдателям не приходят.
    }
    Ваши команды — /help.
staff-invite-forged = Эта ссылка-приглашение недействительна. Попросите администратора выдать новую.
staff-invite-used = Эта ссылка уже использована. Каждое приглашение действует один раз — попросите администратора выдать новое.
staff-invite-expired = Срок действия ссылки истёк. Попросите администратора выдать новое приглашение.
staff-invite-already-staff = Этот аккаунт уже подключён как сотрудник. Если нужно сменить роль, обратитесь к администратору.

## Доставка и маршрутизация
delivery-request-card =
    { $urgent ->
        [yes] 🔴 Срочная заявка № { $number } · { delivery-category }
       *[no] { $fresh ->
            [yes] Новая заявка № { $number } · { delivery-category }
           *[no] Заявка № { $number } · { delivery-category }
        }
    }
    Район: { $district }
    Семья: { $family }
# The card's clock that runs now (features/deadlines): taking while nobody has taken it, then resolving; none
# once closed.
delivery-request-card-deadline = { $clock ->
        [take] { $overdue ->
            [yes] ⏰ Не взята в работу, срок был { $deadline } { $regionTime }
           *[no] Взять в работу до: { $deadline } { $regionTime }
        }
       *[resolve] { $overdue ->
            [yes] ⏰ Не решена в срок, срок был { $deadline } { $regionTime }
           *[no] Решить до: { $deadline } { $regionTime }
        }
    }
delivery-request-card-rerouted = Заявка пришла вам, потому что предыдущий получатель недоступен.
delivery-category = { $category ->
        [nanny] Няня
        [kindergarten_transfer] Перевод в детский сад ближе к дому
        [school_meals] Бесплатное питание в школе
        [psychologist] Помощь психолога
        [elderly_care] Соцработник для пожилых родственников
        [employment] Работа и обучение
        [legal] Юридическая помощь
        [medical] Медицинская помощь
       *[other] Другое
    }
delivery-family-unknown = без имени
delivery-family-assigned =
    { $reason ->
        [registered] 👋 Новая семья зарегистрировалась в боте и закреплена за вами.
        [district_changed] 👋 Семья переехала в ваш район и закреплена за вами.
       *[handed_over] 👋 Вам передана семья: прежний куратор больше не работает в службе.
    }
    Заявитель: { $name }
    Район: { $district }
    Кто в семье и какие меры поддержки она уже получает — в карточке семьи, кнопка ниже. Заявки семьи будут приходить сюда.
delivery-family-without-curator =
    Семья зарегистрировалась в районе «{ $district }», но там нет активного куратора.
    Назначьте куратора семье (номер семьи в системе: { $familyId }).
delivery-recipient-unreachable =
    { $unreachable }: бот заблокирован, уведомления по заявке № { $number } не доходят.
    { $next ->
        [nobody] Заявку некому передать автоматически — назначьте куратора.
        [unchanged] Заявка уже у другого получателя.
       *[other] Заявка передана: { $next }.
    }
delivery-supervisors = руководителям района

## Диалоги: подсказки и общие кнопки (B)
dialogue-skip = Пропустить
dialogue-hint-expected-text = Пожалуйста, ответьте текстом — одним сообщением.
dialogue-hint-expected-button = Пожалуйста, выберите вариант кнопкой под вопросом.
dialogue-hint-expected-contact = Пожалуйста, нажмите кнопку «Отправить мой номер» внизу экрана.
dialogue-hint-expected-file = Пришлите фото или файл. Когда всё отправите, нажмите кнопку под сообщением.
dialogue-hint-too-long = Сообщение получилось слишком длинным, поэтому мы ничего из него не сохранили. Пожалуйста, уложитесь в { $max } символов и отправьте ответ ещё раз.
dialogue-hint-invalid-text = Не получилось разобрать ответ. Пожалуйста, напишите ещё раз.
dialogue-hint-no-letters-place = Напишите, пожалуйста, название населённого пункта буквами, например: Грязи.
dialogue-hint-no-letters-address = Напишите, пожалуйста, адрес буквами и цифрами, например: ул. Советская, д. 10, кв. 5.
dialogue-hint-no-letters-request = Опишите, пожалуйста, словами, чем помочь: по одним значкам и эмодзи куратор не поймёт, что нужно.
dialogue-hint-stale-button = Эта кнопка уже не действует. Ответьте, пожалуйста, на последний вопрос.
dialogue-hint-date-format = Напишите дату так: ДД.ММ.ГГГГ, например { $example }.
dialogue-hint-date-no-such-day = Такой даты нет: в { $month ->
        [1] январе
        [2] феврале
        [3] марте
        [4] апреле
        [5] мае
        [6] июне
        [7] июле
        [8] августе
        [9] сентябре
        [10] октябре
        [11] ноябре
       *[12] декабре
    } { $year } года { $days } { $days ->
        [one] день
        [few] дня
       *[many] дней
    }. Проверьте, пожалуйста, число.
dialogue-hint-date-no-such-month = Такой даты нет: месяцев в году двенадцать. Проверьте, пожалуйста, месяц.
dialogue-hint-date-too-old = Такая дата слишком давняя. Проверьте год, пожалуйста.
dialogue-hint-date-future = Эта дата ещё не наступила. Проверьте, пожалуйста.
dialogue-hint-date-past = Эта дата уже прошла. Укажите, пожалуйста, сегодняшнюю или будущую.
dialogue-hint-date-too-far = Эта дата слишком далеко — больше чем через год. Напишите дату поближе.
dialogue-hint-birth-serviceman-young = По этой дате военнослужащему нет 18 лет. Проверьте, пожалуйста, год рождения.
dialogue-hint-birth-serviceman-old = По этой дате военнослужащему больше 75 лет. Проверьте, пожалуйста, год рождения.
dialogue-hint-birth-child-adult = По этой дате ребёнку уже есть 18 лет. Здесь записываем детей до 18 лет — проверьте, пожалуйста, год рождения.
dialogue-hint-contact-typed = Номер, написанный текстом, мы принять не можем. Нажмите кнопку «Отправить мой номер» внизу экрана — так мы будем уверены, что номер ваш.
dialogue-hint-contact-foreign = Это чужой контакт. Нам нужен ваш собственный номер — нажмите кнопку «Отправить мой номер».
dialogue-contact-thanks = Спасибо, номер получили.
dialogue-files-done = Готово ({ $count })
dialogue-file-received = Получили. Файлов: { $count }. Можно прислать ещё или нажать «Готово».
dialogue-hint-file-too-big = Файл слишком большой: можно до { $maxMb } МБ.
dialogue-hint-too-many-files = Больше { $max } файлов приложить нельзя. Нажмите «Готово».
dialogue-hint-file-repeated = Этот файл уже получили.
dialogue-stuck =
    Похоже, с этим вопросом не получается — ничего страшного. Всё, что вы уже ответили, сохранено.
    Можно ответить ещё раз или выбрать кнопкой, как быть дальше.
dialogue-stuck-skip = Пропустить этот вопрос
dialogue-stuck-curator = Пусть уточнит куратор
dialogue-stuck-curator-chosen = Уточнит куратор
# Куратор, который спрашивает за семью (приём по телефону): вопрос остаётся, чтобы уточнить у семьи потом.
dialogue-stuck-curator-staff = Уточню у семьи позже
dialogue-stuck-menu = Выйти в меню без сохранения
dialogue-stuck-leave = Прервать без сохранения
dialogue-left-unsaved = Хорошо, прервали — ответы этого разговора не сохранились.
dialogue-too-many-hints =
    Давайте прервёмся: этот разговор мы закрыли, ответы из него не сохранились.
    Куратор поможет и так — выберите «Нужна помощь» или «Написать куратору», когда будет удобно.
dialogue-too-many-hints-unregistered = Давайте прервёмся: регистрацию мы закрыли, ответы не сохранились. Отправьте /start, когда будет удобно.
dialogue-too-many-hints-staff = Давайте прервёмся: этот разговор закрыт, ответы из него не сохранились. Ваши команды — /help.
dialogue-idle-closed = Мы не получили ответа и закрыли незаконченный разговор. Ничего не потеряно — начните заново из меню, когда будет удобно.
dialogue-idle-closed-unregistered = Мы не получили ответа и закрыли незаконченную регистрацию. Отправьте /start, когда будет удобно, и начнём сначала.
dialogue-idle-closed-staff = Мы не получили ответа и закрыли незаконченный разговор, ответы из него не сохранились. Ваши команды — /help.
dialogue-resumed = Продолжим с того места, где остановились.

## Главное меню (B)
menu-need-help = Нужна помощь
menu-my-requests = Мои заявки
menu-write-curator = Написать куратору
menu-passport = Социальный паспорт
menu-support-measures = Меры поддержки
menu-settings = Настройки
menu-shown = Главное меню — выберите, что нужно.
menu-shown-unregistered = Вы ещё не зарегистрированы. Отправьте /start — это займёт несколько минут.
menu-cancelled = Хорошо, отменили. Главное меню — ниже.
menu-cancelled-unregistered = Хорошо, отменили. Когда будете готовы, отправьте /start.
# Сотрудник (у него нет меню семьи).
menu-shown-staff = Главное меню — для семей. Ваши команды — /help.
menu-cancelled-staff = Хорошо, отменили. Ваши команды — /help.
menu-register-first = Сначала нужно зарегистрироваться — отправьте /start.
help-family =
    Чем может помочь бот:
    • «Нужна помощь» — попросить о помощи, куратор ответит здесь;
    • «Мои заявки» — посмотреть, что с вашими заявками;
    • «Написать куратору» — как связаться с куратором;
    • «Социальный паспорт» — сведения о семье, их можно изменить;
    • «Меры поддержки» — какие льготы и помощь положены;
    • «Настройки» — язык, ваши данные, приглашение для родственника.
    Команды: /menu — меню, /cancel — отменить начатое, /help — эта подсказка.
help-unregistered = Это бот «Патронаж» — поддержка семей мобилизованных. Чтобы зарегистрироваться, отправьте /start. Команда /cancel отменяет начатое.
fallback-unregistered = Чтобы начать, отправьте /start.
fallback-registered = Выберите, пожалуйста, пункт меню внизу экрана.
start-registered = Вы уже зарегистрированы. Главное меню — ниже.

## Регистрация (B)
onboarding-consent-question = Вы согласны на обработку персональных данных на этих условиях?
onboarding-consent-agree = Даю согласие
onboarding-consent-refuse = Не даю согласия
onboarding-consent-refused =
    Понимаем. Без согласия зарегистрировать семью в боте мы не можем — ничего о вас не сохранено.
    Вам всё равно помогут по телефону горячей линии: { $hotline }.
    Если передумаете, отправьте /start.
onboarding-ask-contact = Спасибо! Теперь поделитесь, пожалуйста, своим номером телефона — нажмите кнопку «Отправить мой номер» внизу экрана.
onboarding-contact-button = Отправить мой номер
onboarding-passport-intro = Теперь заполним социальный паспорт семьи. Это несколько коротких вопросов. Про детей и родственников можно пропустить и добавить позже.
onboarding-summary-title = Проверьте, пожалуйста, всё ли верно:
onboarding-summary-question = Сохранить?
onboarding-summary-save = Всё верно, сохранить
onboarding-summary-edit = Изменить
onboarding-done-with-curator =
    Готово, ваша семья зарегистрирована.
    Ваш куратор — { $curator }. Куратор на связи круглосуточно.
    Когда понадобится помощь, нажмите «Нужна помощь».
onboarding-done-without-curator =
    Готово, ваша семья зарегистрирована.
    { $supervisor ->
        [yes] Куратора назначат в ближайшее время: руководителю придёт уведомление.
       *[no] Свободного куратора в вашем районе сейчас нет, и руководители службы пока не на связи. Как только руководитель будет на связи, мы сообщим ему о вас, и он назначит куратора.
    }
    { $supervisor ->
        [yes] Когда понадобится помощь, нажмите «Нужна помощь»: заявку примут и сейчас.
       *[no] Оставить заявку можно и сейчас — кнопка «Нужна помощь». Если помощь нужна срочно, звоните на горячую линию: { $hotline }.
    }
onboarding-already-registered = Вы уже зарегистрированы. Главное меню — ниже.
onboarding-greeting-invited =
    Здравствуйте! Это «Патронаж» — служба поддержки семей мобилизованных.
    Ваш родственник пригласил вас присоединиться к семье. Паспорт семьи уже заполнен — осталось дать согласие и номер телефона.
onboarding-invite-forged = Эта ссылка-приглашение недействительна. Попросите родственника прислать новую.
onboarding-invite-used = Эта ссылка уже использована. Попросите родственника прислать новую.
onboarding-invite-expired = Срок действия ссылки истёк. Попросите родственника прислать новую.
onboarding-invite-already-registered = Вы уже зарегистрированы в «Патронаже». Главное меню — ниже.
onboarding-joined =
    Готово, вы присоединились к семье.
    { $hasCurator ->
        [yes] Ваш куратор — { $curator }.
       *[no] Куратора назначат в ближайшее время.
    }
    Когда понадобится помощь, нажмите «Нужна помощь».

## Социальный паспорт (B)
passport-ask-applicant-name = Как вас зовут? Напишите, пожалуйста, фамилию, имя и отчество.
passport-hint-name = Напишите, пожалуйста, фамилию, имя и отчество буквами, например: Иванова Мария Петровна.
passport-ask-relationship = Кем вы приходитесь военнослужащему?
# Ответ-кнопка после двоеточия («Срочность: можно в ближайшие дни», «Родство: жена»): lower — со строчной буквы.
answer-after-colon = lower
passport-relationship = { $value ->
        [wife] Жена
        [mother] Мать
        [father] Отец
        [child] Сын или дочь
       *[other] Другое
    }
passport-ask-serviceman-name = Фамилия, имя и отчество военнослужащего:
passport-ask-serviceman-birth-date = Дата рождения военнослужащего (ДД.ММ.ГГГГ). Если не хотите указывать — нажмите «Пропустить».
passport-ask-district = В каком районе живёт семья?
passport-ask-locality = Населённый пункт (город, село):
passport-ask-address = Адрес: улица, дом, квартира. Можно пропустить.
passport-ask-children = Есть ли в семье дети, о которых нам стоит знать? Можно пропустить и добавить позже.
passport-ask-more-children = Детей добавлено: { $count }. Добавить ещё?
passport-add-child = Добавить ребёнка
passport-add-another-child = Добавить ещё
passport-next = Дальше
passport-ask-child-name = Как зовут ребёнка? Напишите фамилию, имя и отчество.
passport-ask-child-birth-date = Дата рождения ребёнка (ДД.ММ.ГГГГ):
passport-ask-child-institution = Ребёнок ходит в детский сад или школу?
passport-institution = { $value ->
        [kindergarten] Детский сад
        [school] Школа
       *[none] Никуда не ходит
    }
passport-ask-relatives = Есть ли пожилые родственники или родственники с инвалидностью, которым нужен уход? Можно пропустить и добавить позже.
passport-ask-more-relatives = Родственников добавлено: { $count }. Добавить ещё?
passport-add-relative = Добавить родственника
passport-add-another-relative = Добавить ещё
passport-ask-relative-name = Как зовут родственника? Напишите фамилию, имя и отчество.
passport-ask-relative-birth-date = Дата рождения родственника (ДД.ММ.ГГГГ). Можно пропустить.
passport-ask-relative-care-needs = Какая помощь нужна? Например: покупка продуктов, уборка, сопровождение к врачу.
passport-which-field = Что изменить?
passport-field = { $field ->
        [applicantName] Ваше ФИО
        [relationship] Родство
        [servicemanName] ФИО военнослужащего
        [servicemanBirthDate] Дата рождения военнослужащего
        [district] Район
        [locality] Населённый пункт
        [address] Адрес
        [children] Дети
       *[relatives] Родственники
    }
passport-none = не указано
passport-none-date = не указана
passport-none-address = не указан
passport-line-applicant = Заявитель: { $name }
passport-line-relationship = Родство: { $relationship }
passport-line-serviceman = Военнослужащий: { $name }
passport-line-serviceman-birth-date = Дата рождения военнослужащего: { $date }
passport-line-district = Район: { $name }
passport-line-locality = Населённый пункт: { $value }
passport-line-address = Адрес: { $value }
passport-line-children = Дети: { $count ->
        [0] нет
       *[other] { $count }
    }
passport-line-child = { $index }. { $name }, { $date }, { $value ->
        [kindergarten] ходит в детский сад
        [school] ходит в школу
       *[none] никуда не ходит
    }
passport-line-relatives = Родственники, которым нужен уход: { $count ->
        [0] нет
       *[other] { $count }
    }
passport-line-relative = { $index }. { $name }{ $date ->
        [none] { "" }
       *[other] , { $date }
    }. Нужна помощь: { $needs }

## Заявки семьи: «Нужна помощь», «Мои заявки», «Меры поддержки» (requests, support-measures)
req-category-nanny = Няня
req-category-kindergarten_transfer = Перевод в детский сад ближе к дому
req-category-school_meals = Бесплатное питание в школе
req-category-psychologist = Помощь психолога
req-category-elderly_care = Соцработник для пожилых родственников
req-category-employment = Работа и обучение
req-category-legal = Юридическая помощь
req-category-medical = Медицинская помощь
req-category-other = Другое

req-field-children = Дети
req-field-schedule = График
req-field-date = Дата
req-field-days = Дни
req-field-hours = Часы
req-field-address = Адрес
req-field-child = Ребёнок
req-field-current-kindergarten = Сейчас ходит в сад
req-field-wanted-kindergarten = Желаемый сад или район
req-field-wanted-date = Желаемая дата
req-field-school = Школа
req-field-school-class = Класс
req-field-problem = Что случилось
req-field-urgency = Срочность
req-field-for-whom = Для кого
req-field-format = Как удобнее
req-field-preferred-time = Удобное время
req-field-relative = Родственник
req-field-help-kind = Какая помощь
req-field-frequency = Как часто
req-field-occupation = Чем занимается сейчас
req-field-wanted-job = Какая работа или обучение нужны
req-field-topic = Тема
req-field-description = Суть вопроса
req-field-medical-need = Что нужно
req-field-text = Запрос
req-field-comment = Комментарий
req-field-attachments = Файлы
req-left-to-curator-family = уточнит куратор
req-left-to-curator-staff = семья не смогла ответить — уточните у неё

req-choice-schedule-once = Один раз
req-choice-schedule-regular = Регулярно
req-choice-weekday-mon = Пн
req-choice-weekday-tue = Вт
req-choice-weekday-wed = Ср
req-choice-weekday-thu = Чт
req-choice-weekday-fri = Пт
req-choice-weekday-sat = Сб
req-choice-weekday-sun = Вс
req-choice-problem-not_granted = Питание ещё не назначили
req-choice-problem-interrupted = Питание было, но прекратилось
req-choice-problem-other = Другое
req-choice-forWhom-self = Для меня
req-choice-forWhom-child = Для ребёнка
req-choice-forWhom-relative = Для другого родственника
req-staff-choice-forWhom-self = Для заявителя
req-staff-choice-forWhom-child = Для ребёнка
req-staff-choice-forWhom-relative = Для другого родственника
req-choice-format-phone = По телефону
req-choice-format-video = По видеосвязи
req-choice-format-in_person = Лично
req-choice-format-chat = В чате
req-choice-urgency-planned = Можно в ближайшие дни
req-choice-urgency-now = Нужна помощь прямо сейчас
req-choice-helpKind-products_medicines = Продукты и лекарства
req-choice-helpKind-household = Помощь по дому
req-choice-helpKind-accompaniment = Сопровождение (к врачу, по делам)
req-choice-helpKind-other = Другое
req-choice-frequency-once = Один раз
req-choice-frequency-weekly = Раз в неделю
req-choice-frequency-several_weekly = Несколько раз в неделю
req-choice-frequency-daily = Каждый день
req-choice-topic-payments_benefits = Выплаты и пособия
req-choice-topic-documents = Документы
req-choice-topic-credits_debts = Кредиты и долги
req-choice-topic-housing = Жильё
req-choice-topic-other = Другое

req-not-registered = Чтобы оставить заявку, сначала нужно зарегистрироваться. Отправьте /start — это займёт несколько минут.
req-ask-category = С чем нужна помощь? Выберите, что подходит больше всего.
req-category-intro = { $category }. Зададим несколько коротких вопросов, чтобы куратор сразу понял, что нужно. Выйти можно в любой момент: /cancel.
req-person-all = Все дети
req-person-someone-else = Другой человек — напишу имя
req-ask-person-name = Напишите, пожалуйста, имя.
req-ask-child = Для какого ребёнка?
req-ask-child-name-none =
    В социальном паспорте пока нет детей. Напишите имя ребёнка.
    Потом детей можно добавить в разделе «Социальный паспорт».
req-ask-relative = Кому из родственников нужна помощь?
req-ask-relative-name-none =
    В социальном паспорте пока нет родственников, которым нужен уход. Напишите, кому нужна помощь (например: «мама, Анна Петровна»).
    Потом их можно добавить в разделе «Социальный паспорт».
req-ask-nanny-children = С кем из детей нужна няня?
req-ask-nanny-schedule = Няня нужна один раз или регулярно?
req-ask-nanny-date = На какой день нужна няня? Напишите дату, например { $example }.
req-ask-nanny-days = По каким дням нужна няня? Отметьте дни и нажмите «Готово».
req-weekdays-done = Готово
req-ask-nanny-hours = В какие часы? Например: с 8:00 до 13:00.
req-ask-address-default =
    Адрес из вашего паспорта: { $address }
    Помощь нужна по этому адресу?
req-address-passport = Да, по этому адресу
req-address-other = Нет, по другому
req-ask-address = Напишите адрес: населённый пункт, улица, дом, квартира.
req-ask-current-kindergarten = В какой детский сад ребёнок ходит сейчас? Номер или название.
req-ask-wanted-kindergarten = В какой сад хотите перевести? Напишите номер сада или район, где удобно.
req-ask-wanted-date = С какого числа нужен перевод? Напишите дату, например { $example }.
req-ask-school = В какой школе учится ребёнок? Номер или название.
req-ask-school-class = В каком классе? Например: 3 «Б».
req-ask-school-problem = Что случилось с питанием?
req-ask-urgency = Как срочно нужна помощь психолога?
req-crisis-contacts =
    Вы не одни. Если кому-то грозит опасность — звоните сейчас:
    { $contacts }
    Звонок бесплатный. А мы сразу передадим вашу заявку куратору — осталось несколько коротких вопросов.
req-ask-for-whom-psychologist = Для кого нужна помощь психолога?
req-ask-format = Как удобнее поговорить с психологом?
req-ask-preferred-time = Когда вам удобно? Например: в будни после 18:00.
req-ask-help-kind = Какая помощь нужна?
req-ask-frequency = Как часто нужна помощь?
req-ask-for-whom = Для кого?
req-ask-occupation = Чем занимается человек сейчас? Работа, профессия, образование — как есть.
req-ask-wanted-job = Какую работу или обучение хотелось бы найти?
req-ask-legal-topic = О чём вопрос к юристу?
req-ask-legal-description = Коротко опишите ситуацию: что случилось и что нужно.
req-ask-medical-need = Что нужно? Например: запись к врачу, лекарства, обследование.
req-ask-other-text = Расскажите своими словами, с чем нужна помощь.
req-ask-comment = Хотите что-то добавить для куратора? Напишите — или нажмите «Пропустить».
# Приём по телефону: куратор задаёт вопросы семьи вслух и записывает ответы (requests.steps.ts, staffWording).
req-staff-ask-address-default =
    Адрес из паспорта семьи: { $address }
    Помощь нужна по этому адресу?
req-staff-ask-child-name-none = В паспорте семьи нет детей. Напишите имя ребёнка, о котором просит семья.
req-staff-ask-relative-name-none = В паспорте семьи нет родственников, которым нужен уход. Напишите, кому нужна помощь (например: «мама, Анна Петровна»).
req-staff-ask-wanted-kindergarten = В какой сад семья хочет перевести ребёнка? Запишите номер сада или район, где семье удобно.
req-staff-ask-preferred-time = Когда семье удобно поговорить с психологом? Например: в будни после 18:00.
req-staff-ask-other-text = Спросите, с чем нужна помощь, и запишите словами семьи.
req-staff-ask-comment = Спросите, хочет ли семья что-то добавить. Запишите — или нажмите «Пропустить».
req-staff-crisis-contacts =
    Если кому-то в семье грозит опасность, продиктуйте телефоны экстренной помощи прямо сейчас:
    { $contacts }
    Звонок бесплатный. Осталось несколько коротких вопросов — потом отправьте заявку, она будет срочной.
req-staff-hint-no-letters = Опишите, пожалуйста, словами, чем помочь: по одним значкам и эмодзи не понять, что нужно.
req-ask-attachments-more = { $count ->
        [1] Ваш файл уже в заявке.
       *[other] Ваши файлы уже в заявке: { $count }.
    } Если есть ещё документы или фото по делу — пришлите их сюда и нажмите кнопку под сообщением. Если больше нет — «Пропустить».
req-ask-attachments = Если есть документы или фото по делу — пришлите их сюда. Когда закончите, нажмите кнопку под сообщением. Если файлов нет — «Пропустить».
req-hint-weekdays = Отметьте дни кнопками под сообщением и нажмите «Готово».
req-hint-weekdays-none = Отметьте хотя бы один день.
req-summary =
    Проверьте заявку:
    { $category }
    { $details }
req-summary-files = Файлов: { $files }
req-summary-invalid = В заявке что-то не сходится — например, дата уже прошла. Нажмите «Изменить» и поправьте, пожалуйста.
req-summary-question = Всё верно?
req-summary-send = ✅ Отправить куратору
req-summary-edit = ✏️ Изменить
req-summary-cancel = Не отправлять
req-which-field = Что изменить?
req-from-held = Оформим новую заявку. { $files ->
        [0] Ваше сообщение войдёт в неё комментарием.
       *[other] Ваше сообщение войдёт в неё — текст комментарием, фото и документы файлами.
    } Осталось ответить на несколько вопросов.
req-dialogue-cancelled = Хорошо, заявку не отправляем. Если понадобится помощь — нажмите «Нужна помощь».
req-dialogue-cancelled-held = Хорошо, заявку не отправляем. Ваше сообщение по-прежнему сохранено: передать его куратору можно кнопками выше.
req-created =
    Заявка № { $number } принята, передаём её куратору. Куратор свяжется с вами.
    Следить за заявкой можно в разделе «Мои заявки».
req-created-urgent =
    Срочная заявка № { $number } принята и прямо сейчас передаётся куратору. С вами свяжутся как можно скорее.
    Если станет тяжелее, не ждите — звоните:
    { $contacts }
req-delivered-curator = Заявка № { $number } доставлена куратору. Ею займётся { $curator }.
req-delivered-supervisors = Заявка № { $number } передана { $level ->
        [regional] руководителю по региону
       *[district] руководителю кураторов вашего района
    } — он назначит куратора.

req-status-new = принята
# Заявка назначена, но её ещё не взяли: карточка может быть ещё в очереди, а если свободного куратора нет — она у
# руководителя, который назначит куратора. «Передана куратору» было бы неправдой в обоих случаях.
req-status-assigned = ждёт, когда её возьмут в работу
req-status-in_progress = в работе
req-status-waiting_family = ждём вашего ответа
req-status-resolved = решена
req-status-rejected = отклонена
req-status-cancelled = отменена вами
req-list-empty = У вас пока нет заявок. Если нужна помощь — нажмите «Нужна помощь».
req-list-title = Ваши заявки (страница { $page } из { $pages }). Нажмите на заявку, чтобы открыть её.
req-list-line = № { $number } · { $category } — { $status }, { $date }
req-list-button = № { $number } · { $category }
req-list-previous = ← Назад
req-list-next = Далее →
req-card-title = { $urgent ->
        [yes] 🔴 Срочная заявка № { $number }
       *[no] Заявка № { $number }
    } · { $category }
req-card-status = Статус: { $status }. Создана { $created }.
req-card-curator = Куратор: { $curator }
req-card-attachments = Файлов приложено: { $count }
req-card-rating = Ваша оценка: { $rating } из 5
req-card-history = История:
req-card-messages = Сообщения куратора:
req-card-details-unreadable = Подробности заявки сейчас недоступны.
req-card-shortened = ✂️ Длинные ответы здесь сокращены (где «…»).
req-history-line = { $when } — { $what }
req-event-created = заявка создана
req-event-assigned = { $hasStaff ->
        [yes] назначен куратор { $staff }
       *[no] назначен куратор
    }
req-event-taken = { $hasStaff ->
        [yes] взята в работу, ею занимается куратор { $staff }
       *[no] заявку взяли в работу
    }
req-event-status_changed = статус: { $status }
req-event-message = { $from ->
        [staff] сообщение от куратора
       *[family] ваше сообщение куратору
    }
req-event-escalated = заявку взял на контроль руководитель
req-event-reassigned = заявку передали другому куратору
req-event-rated = вы оценили работу: { $rating } из 5
req-event-reopened = вы вернули заявку в работу
req-event-cancelled = вы отменили заявку
req-message-line = { $when }, { $who }: { $body }
req-message-curator = куратор
req-message-media = { $kind ->
        [photo] [фото]
        [document] [документ]
        [voice] [голосовое сообщение]
        [video] [видео]
        [video_note] [видеосообщение]
        [audio] [аудио]
       *[other] [вложение]
    }
req-card-cancel = Отменить заявку
req-card-reopen = Проблема не решена — вернуть в работу
req-card-back = ← Все заявки
req-cancel-question = Отменить заявку № { $number }? Куратор перестанет ею заниматься.
req-cancel-yes = Да, отменить
req-cancel-no = Нет, оставить
req-cancelled = Заявка отменена.
req-cannot-cancel = Эту заявку уже нельзя отменить.
req-reopened = Заявка снова в работе. Куратор увидит это в истории заявки.
req-cannot-reopen = Вернуть в работу можно только решённую заявку и не позже чем через 7 дней.
req-not-found = Такой заявки нет среди ваших.
req-rating-question = Оцените, пожалуйста, как вам помогли по заявке № { $number }: от 1 (плохо) до 5 (отлично).
req-rated = Ваша оценка: { $rating } из 5.
req-cannot-rate = Оценить можно только решённую заявку.
req-rating-comment-question = Спасибо за оценку! Хотите что-то добавить? Напишите пару слов о помощи по заявке № { $number } — или нажмите «Пропустить».
req-rating-thanks = Спасибо! Ваш отзыв по заявке № { $number } сохранён.


## Паспорт: просмотр и изменение; настройки (B)
passport-title = Социальный паспорт вашей семьи:
passport-curator = Ваш куратор — { $curator }.
passport-no-curator = Куратор пока не назначен — его назначат в ближайшее время.
passport-what-next = Здесь можно что-то изменить или дополнить.
passport-what-else = Что-нибудь ещё?
passport-action-edit = Изменить сведения
passport-action-employment = Работа
passport-ask-employment = Вы сейчас работаете? Если ищете работу, в разделе «Меры поддержки» появится помощь с обучением и поиском работы.
passport-employment = { $value ->
        [employed] Работаю
        [unemployed] Ищу работу
       *[unsaid] Не хочу указывать
    }
passport-line-employment = Работа: { $value ->
        [employed] работает
        [unemployed] ищет работу
       *[unsaid] не указано
    }
passport-action-remove = Убрать из списка
passport-action-invite = Пригласить члена семьи
passport-action-close = Закрыть
passport-saved = Сохранили.
passport-saved-district = Сохранили. Район изменился — за вашей семьёй закрепим куратора этого района.
passport-which-remove = Кого убрать из паспорта?
passport-remove-confirm = Убрать из паспорта: { $name }?
passport-remove-yes = Да, убрать
passport-remove-no = Нет, оставить
passport-removed = Убрали из паспорта.
family-invite-link =
    Перешлите эту ссылку родственнику, который тоже будет общаться с куратором:
    { $link }
    Ссылка действует один раз, до { $until }. Родственнику не придётся заново заполнять паспорт.
settings-title = Настройки. Что нужно?
settings-language = Язык / Language
settings-announcements = { $off ->
        [yes] Объявления: выключены
       *[no] Объявления: включены
    }
settings-announcements-changed = { $off ->
        [yes] Готово, объявления выключены. Сообщения от вашего куратора по-прежнему приходят. Включить снова — в «Настройках».
       *[no] Готово, объявления включены: будем сообщать о новых мерах поддержки и событиях. Выключить — в «Настройках».
    }
settings-stored = Что хранится обо мне
settings-erase = Удалить мои данные
settings-language-question = Выберите язык:
settings-language-name = { $value ->
        [en] English
       *[ru] Русский
    }
settings-language-changed = Готово, теперь бот пишет вам по-русски.
settings-stored-title = Вот всё, что «Патронаж» хранит о вас и вашей семье.
settings-stored-me = О вас:
settings-stored-name = ФИО: { $value }
settings-stored-phone = Телефон: { $value }
settings-stored-telegram = Telegram id: { $value }
settings-stored-language = Язык: { settings-language-name }
settings-stored-consent = Согласие на обработку данных: версия { $version }, дано { $at }
settings-stored-family = О семье:
settings-stored-members = Другие члены семьи в боте: { $count ->
        [0] нет
       *[other] { $count }
    }
settings-stored-member = • { $name } ({ passport-relationship })
settings-stored-requests = Заявки: { $count ->
        [0] нет
       *[other] { $count }
    }
settings-stored-request = • № { $number }, { $at }: { $category ->
        [nanny] няня
        [kindergarten_transfer] перевод в детский сад
        [school_meals] питание в школе
        [psychologist] психолог
        [elderly_care] соцработник для пожилых
        [employment] работа и обучение
        [legal] юридическая помощь
        [medical] медицинская помощь
       *[other] другое
    } — { $status ->
        [new] новая
        [assigned] ждёт, когда её возьмут в работу
        [in_progress] в работе
        [waiting_family] ждёт вашего ответа
        [resolved] решена
        [rejected] отклонена
       *[cancelled] отменена
    }
settings-stored-messages = Сообщений в переписке с куратором: { $count }
settings-stored-footer = Изменить сведения можно в «Социальном паспорте», удалить — в «Настройках» → «Удалить мои данные».
settings-erase-confirm =
    Удалить ваши данные? Мы удалим ваше имя, телефон и переписку и отзовём согласие на обработку данных.
    Если в боте больше никого из вашей семьи нет, удалим и паспорт семьи; открытые заявки будут отменены. Заявки останутся только в обезличенной статистике.
settings-erase-yes = Да, удалить
settings-erase-no = Нет, оставить
settings-erase-kept = Хорошо, ничего не удаляем.
settings-erased =
    Ваши данные удалены, согласие отозвано. { $family ->
        [yes] Паспорт семьи тоже удалён.
       *[no] Паспорт семьи остался у других членов семьи в боте.
    }
    Если понадобится помощь, звоните на горячую линию: { $hotline }. Чтобы зарегистрироваться заново, отправьте /start.

## Куратор
cur-button-take = Взять в работу
cur-button-resolve = Решена
cur-button-reject = Отклонить
cur-card-taken = Взята в работу: { $name }, { $time }
cur-card-status = Статус: { $status ->
        [waiting_family] ждём ответа семьи
        [resolved] решена
        [rejected] отклонена
        [cancelled] отменена семьёй
        [new] новая
        [assigned] передана куратору
       *[in_progress] в работе
    }
cur-taken = Заявка ваша. Семья получит сообщение, что вы взяли её в работу.
cur-taken-no-chat = Заявка ваша. У семьи нет чата с ботом: сообщите ей сами, по телефону.
cur-already-yours = Эта заявка уже у вас в работе.
cur-refused-stale = Эта кнопка не действует. Откройте заявку из её карточки.
cur-ask-resolve-comment = Напишите короткий комментарий для семьи: что сделано по заявке. Семья увидит его вместе с просьбой оценить помощь.
cur-ask-reject-reason = Напишите причину отказа — семья увидит её. Если можно, подскажите, куда обратиться.
cur-done-resolved = Заявка № { $number } решена. Семья получит ваш комментарий и просьбу оценить помощь.
cur-done-rejected = Заявка № { $number } отклонена. Семья получит причину.
cur-family-taken =
    { $introduced ->
        [yes] Куратор взял вашу заявку № { $number } в работу ({ $time }).
       *[no] Вашу заявку № { $number } взяли в работу ({ $time }), ею занимается куратор { $curator }.
    }
    Куратор свяжется с вами здесь, в чате, или по телефону.
cur-family-resolved =
    Ваша заявка № { $number } решена.
    Комментарий куратора ({ $curator }): { $comment }
    Если проблема не решена, откройте заявку в разделе «Мои заявки» и нажмите «Проблема не решена — вернуть в работу».
cur-family-rejected =
    К сожалению, вашу заявку № { $number } отклонили.
    Причина, которую указал куратор ({ $curator }): { $reason }
    Если нужна другая помощь, выберите «Нужна помощь» — мы примем новую заявку.
cur-staff-cancelled = Семья отменила заявку № { $number }. Работу по ней можно прекратить.
cur-staff-reopened = Семья вернула в работу заявку № { $number }: проблема не решена. Свяжитесь с семьёй и отметьте результат кнопками ниже.
cur-button-family = Карточка семьи
cur-family-card-title = Карточка семьи (по заявке № { $number })
cur-family-card-members = Члены семьи в боте:
cur-family-card-member = • { $name }, телефон { $phone }
cur-family-card-requests = Последние заявки:
cur-family-card-request = • № { $number } · { $category } — { $status ->
        [new] новая
        [assigned] передана куратору
        [in_progress] в работе
        [waiting_family] ждём ответа семьи
        [resolved] решена
        [rejected] отклонена
       *[cancelled] отменена семьёй
    }
