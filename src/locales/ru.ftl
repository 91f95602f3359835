# Тексты бота. Русский — основной язык. Пишем коротко, на «вы», с понятным следующим шагом.

## Общее
start-greeting =
    Здравствуйте! Это «Патронаж» — служба поддержки семей мобилизованных.
    Здесь у вашей семьи будет свой социальный куратор. Он на связи круглосуточно и поможет с няней, детским садом, психологом, уходом за пожилыми родственниками и другими вопросами.
error-generic = Что-то пошло не так. Ваши данные сохранены — попробуйте ещё раз через минуту.

## Приглашения сотрудников
staff-invite-welcome =
    { $name }, добро пожаловать! Вы подключены как { $role ->
        [curator] социальный куратор
        [supervisor] руководитель кураторов
       *[observer] наблюдатель
    }.
    Новые заявки и уведомления будут приходить сюда.
staff-invite-forged = Эта ссылка-приглашение недействительна. Попросите администратора выдать новую.
staff-invite-used = Эта ссылка уже использована. Каждое приглашение действует один раз — попросите администратора выдать новое.
staff-invite-expired = Срок действия ссылки истёк. Попросите администратора выдать новое приглашение.
staff-invite-already-staff = Этот аккаунт уже подключён как сотрудник. Если нужно сменить роль, обратитесь к администратору.

## Доставка и маршрутизация
delivery-request-card =
    { $urgent ->
        [yes] 🔴 Срочная заявка № { $number }
       *[no] Новая заявка № { $number }
    }
    Категория: { delivery-category }
    Срочность: { $urgent ->
        [yes] срочно
       *[no] в плановом порядке
    }
    Район: { $district }
    Семья: { $family }
    Взять в работу до: { $deadline } ({ $timeZone })
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
delivery-family-without-curator =
    Семья зарегистрировалась в районе «{ $district }», но там нет активного куратора.
    Назначьте куратора семье (номер семьи в системе: { $familyId }).
delivery-recipient-unreachable =
    { $unreachable } заблокировал(а) бота и не получает уведомления по заявке № { $number }.
    { $next ->
        [none] Заявку некому передать автоматически — назначьте куратора.
       *[other] Заявка передана: { $next }.
    }
delivery-supervisors = руководителям района

## Диалоги: подсказки и общие кнопки (B)
dialogue-skip = Пропустить
dialogue-hint-expected-text = Пожалуйста, ответьте текстом — одним сообщением.
dialogue-hint-expected-button = Пожалуйста, выберите вариант кнопкой под вопросом.
dialogue-hint-expected-contact = Пожалуйста, нажмите кнопку «Отправить мой номер» внизу экрана.
dialogue-hint-expected-file = Пришлите фото или файл. Когда всё отправите, нажмите кнопку под сообщением.
dialogue-hint-too-long = Получилось слишком длинно. Пожалуйста, уложитесь в { $max } символов.
dialogue-hint-invalid-text = Не получилось разобрать ответ. Пожалуйста, напишите ещё раз.
dialogue-hint-stale-button = Эта кнопка уже не действует. Ответьте, пожалуйста, на последний вопрос.
dialogue-hint-date-format = Напишите дату так: ДД.ММ.ГГГГ, например 05.03.2015.
dialogue-hint-date-too-old = Такая дата слишком давняя. Проверьте год, пожалуйста.
dialogue-hint-date-future = Эта дата ещё не наступила. Проверьте, пожалуйста.
dialogue-hint-date-past = Эта дата уже прошла. Укажите, пожалуйста, сегодняшнюю или будущую.
dialogue-hint-contact-typed = Номер, написанный текстом, мы принять не можем. Нажмите кнопку «Отправить мой номер» внизу экрана — так мы будем уверены, что номер ваш.
dialogue-hint-contact-foreign = Это чужой контакт. Нам нужен ваш собственный номер — нажмите кнопку «Отправить мой номер».
dialogue-contact-thanks = Спасибо, номер получили.
dialogue-files-done = Готово ({ $count })
dialogue-file-received = Получили. Файлов: { $count }. Можно прислать ещё или нажать «Готово».
dialogue-hint-file-too-big = Файл слишком большой: можно до { $maxMb } МБ.
dialogue-hint-too-many-files = Больше { $max } файлов приложить нельзя. Нажмите «Готово».
dialogue-hint-file-repeated = Этот файл уже получили.
dialogue-too-many-hints =
    Кажется, с этим вопросом не получается. Ничего страшного — начните заново из меню, когда будет удобно.
    Если нужна помощь прямо сейчас, выберите «Нужна помощь».
dialogue-too-many-hints-unregistered = Кажется, сейчас не получается. Ничего страшного — отправьте /start, когда будет удобно, и начнём заново.
dialogue-idle-closed = Мы не получили ответа и закрыли незаконченный разговор. Ничего не потеряно — начните заново из меню, когда будет удобно.
dialogue-idle-closed-unregistered = Мы не получили ответа и закрыли незаконченную регистрацию. Отправьте /start, когда будет удобно, и начнём сначала.

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
menu-register-first = Сначала нужно зарегистрироваться — отправьте /start.
menu-write-curator-named =
    Ваш куратор — { $curator }.
    Чтобы куратор получил ваше сообщение, напишите его через «Нужна помощь» (новая заявка) или в «Мои заявки» (по уже открытой заявке). Прямая переписка с куратором скоро появится здесь.
menu-write-curator-none =
    Куратор вашей семье пока не назначен — руководитель района уже знает об этом.
    Если нужна помощь, выберите «Нужна помощь»: заявку примут и без куратора.
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
onboarding-consent-agree = Согласен(на)
onboarding-consent-refuse = Не согласен(на)
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
    Куратора назначат в ближайшее время — руководитель района уже получил уведомление.
    Когда понадобится помощь, нажмите «Нужна помощь»: заявку примут и сейчас.
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
passport-hint-name = Напишите, пожалуйста, ФИО буквами, например: Иванова Мария Петровна.
passport-ask-relationship = Кем вы приходитесь военнослужащему?
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
passport-ask-child-name = ФИО ребёнка:
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
passport-ask-relative-name = ФИО родственника:
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
passport-line-applicant = Заявитель: { $name }
passport-line-relationship = Родство: { passport-relationship }
passport-line-serviceman = Военнослужащий: { $name }
passport-line-serviceman-birth-date = Дата рождения военнослужащего: { $date }
passport-line-district = Район: { $name }
passport-line-locality = Населённый пункт: { $value }
passport-line-address = Адрес: { $value }
passport-line-children = Дети: { $count ->
        [0] нет
       *[other] { $count }
    }
passport-line-child = { $index }. { $name }, { $date }, { passport-institution }
passport-line-relatives = Родственники, которым нужен уход: { $count ->
        [0] нет
       *[other] { $count }
    }
passport-line-relative = { $index }. { $name }{ $date ->
        [none] { "" }
       *[other] , { $date }
    }. Нужна помощь: { $needs }

## Паспорт: просмотр и изменение; настройки (B)
passport-title = Социальный паспорт вашей семьи:
passport-curator = Ваш куратор — { $curator }.
passport-no-curator = Куратор пока не назначен — его назначат в ближайшее время.
passport-what-next = Здесь можно что-то изменить или дополнить.
passport-what-else = Что-нибудь ещё?
passport-action-edit = Изменить сведения
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
        [assigned] передана куратору
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
