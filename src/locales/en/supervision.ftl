## Supervisors and observers: /overdue, /stats, /find, /export, reassignment

sup-command-staff-only = This command is for the service's supervisors. Your requests come to this chat as cards; ask your supervisor if you need figures.
sup-command-observer = This command is for the service's supervisors: it shows single requests and families. Observers can use /stats — the figures — and /export — the register without personal data.
sup-command-family = This command is for the service's staff. To ask for help, press «Need help» in the menu; your requests are under «My requests».
sup-command-stranger = This command is for the service's staff. To begin, send /start.

sup-refused-not-supervisor = This button is for the service's supervisors.
sup-refused-bad-curator = This curator cannot take the request: they do not work in the family's district or are inactive. Choose another.
sup-refused-stale = This button no longer works. Open the request through /overdue or /find.

sup-scope-region = the whole region
sup-scope-categories = {" "}(categories: { $list } only)
sup-no-curator = no curator
sup-unit-days = { $n } d
sup-unit-hours = { $n } h
sup-unit-minutes = { $n } min
sup-share = { $percent }% ({ $part } of { $whole })
sup-status = { $status ->
        [new] new
        [assigned] sent to a curator
        [in_progress] in progress
        [waiting_family] waiting for the family
        [resolved] resolved
        [rejected] rejected
       *[cancelled] cancelled by the family
    }

sup-overdue-none = No overdue requests.
sup-overdue-title = Overdue requests: { $total } (page { $page } of { $pages }). Most overdue first.
sup-overdue-line = { $urgent ->
        [yes] 🔴 No. { $number }
       *[no] No. { $number }
    } · { $category } · { $district }
    { $clock ->
        [take] Not taken, overdue by { $late }
       *[resolve] Not resolved in time, overdue by { $late }
    } · curator: { $curator }
sup-button-request = No. { $number }
sup-button-previous = ‹ Back
sup-button-next = Next ›
sup-button-open = Open
sup-button-reassign = Reassign
sup-button-family-reassign = Give the family to another curator
sup-button-curator = { $name } (open: { $open })
sup-button-curator-away = { $name } (open: { $open }; away until { $until })

sup-card-status = Status: { $status } · curator: { $curator }
sup-card-deadlines = Resolve by: { $resolve }

sup-reassign-ask = Who should get request No. { $number }? In brackets: the curator's open requests.
sup-reassign-family-ask = Who should get the family (request No. { $number }) with all its open requests?
sup-reassign-nobody = There is no other active curator in the family's district. Ask the admin to add one, or leave the request where it is.
sup-reassigned = Request No. { $number } given to { $curator }. The curator, the previous curator and the family are told.
sup-reassigned-already = Request No. { $number } is already with { $curator }.
sup-family-reassigned = The family is given to { $curator }. Open requests: { $requests }. The curators and the family are told.
sup-family-reassigned-already = The family is already with { $curator }.

sup-notice-request-to = { $by ->
        [left] Request No. { $number } is yours now: its curator no longer works in the service.
       *[supervisor] A supervisor gave you request No. { $number }.
    }
sup-notice-request-from = A supervisor gave your request No. { $number } to { $curator }. You can stop working on it.
sup-notice-family-to =
    { $by ->
        [left] 👋 A family is yours now: its curator no longer works in the service.
       *[supervisor] 👋 A supervisor gave you a family.
    }
    Applicant: { $name }
    District: { $district }
    { $count ->
        [0] The family has no open requests.
       *[other] The family's open requests ({ $count }), now yours:
    }
sup-notice-family-to-request = { $urgent ->
        [yes] 🔴 No. { $number }
       *[no] No. { $number }
    } · { $category } · { $stage ->
        [take] { $overdue ->
            [yes] ⏰ not taken, the deadline was { $deadline }
           *[no] take by { $deadline }
        }
       *[work] { $overdue ->
            [yes] ⏰ in progress, it was due by { $deadline }
           *[no] in progress, resolve by { $deadline }
        }
    }
sup-notice-family-to-end = { $count ->
        [0] Who is in the family and what it already receives is on the family card, button below.
       *[other] Deadlines are { $regionTime }. Each request's card comes as a message of its own; who is in the family is on the family card, button below.
    }
sup-notice-family-from = A supervisor gave your family, with its open requests, to { $curator }. You can stop working on them.
sup-family-request-reassigned = Your request No. { $number } is now looked after by curator { $curator }. The curator will contact you; follow the request under «My requests».
sup-family-curator-changed = Your new curator is { $curator }. They are there for all your requests; write to them with «Write to the curator».

sup-period-invalid = I did not understand the period. Examples: /stats — the last 30 days, /stats 7d — 7 days, /stats 2026-11 — November 2026, /stats 2026-11-01..2026-11-15 — 1 to 15 November. You can add a district and a category in words: /stats 2026-11 Грязинский няня.
sup-coverage-title = 🤝 Support measures today: granted of those due by the passport
sup-coverage-line = • { $district }: { $share }; families entitled to something: { $families }
sup-coverage-none = • no families are entitled to measures of the catalogue yet
sup-stats-title = 📊 Statistics for { $period }
sup-stats-scope = Scope: { $scope }
sup-stats-filter = Filter: { $filter }
sup-stats-created = Requests created: { $count }
sup-stats-taken-in-time = Taken in time: { $share }
sup-stats-resolved-in-time = Resolved in time: { $share }
sup-stats-median-take = Median time to take: { $duration }
sup-stats-median-resolve = Median time to resolve: { $duration }
sup-stats-rating = Average rating: { $rating } (ratings: { $count })
sup-stats-by-status = By status: { $list }
sup-stats-by-district = By district:
sup-stats-by-category = By category:
sup-stats-by-curator = By curator:
sup-stats-line = • { $name }: { $created }; in time taken { $taken }, resolved { $resolved }; medians { $medianTake } / { $medianResolve }; rating { $rating }
sup-stats-empty = No requests in this period.

sup-find-usage = After /find write a request number, a phone or part of a name. For example: /find 1042, /find +79001234567, /find Ivanova
sup-find-nothing = Nothing found in your districts. Check the number or spell the name differently.
sup-find-family = Family · { $district } · curator: { $curator }
sup-find-member = • { $name }, phone { $phone }
sup-find-no-requests = No requests yet.
sup-find-request = No. { $number } · { $category } — { $status }

sup-export-usage = Format: /export [period] [district] [category]. For example: /export, /export 2026-11, /export 7d Грязинский няня. Write the district and the category in words; the start of a word will do.
sup-filter-unknown = I did not understand «{ $word }». Examples: { $command } 7d — 7 days, { $command } 2026-11 — November 2026, { $command } 2026-11 Грязинский няня — a district and a category in words, the start of a word will do. Your districts: { $districts }. Categories: { $categories }.
sup-filter-ambiguous = «{ $word }» fits several: { $options }. Please be more precise, for example the whole name.
sup-export-district-out-of-scope = This district is not one of yours. The export covers your districts only.
sup-export-category-out-of-scope = This category is not one of yours. The export covers your categories only.
sup-export-caption = Request register: { $rows } { $rows ->
        [one] row
       *[other] rows
    }. The «Totals» sheet has the summary.

sup-xlsx-sheet-requests = Requests
sup-xlsx-sheet-totals = Totals
sup-xlsx-yes = yes
sup-xlsx-no = no
sup-xlsx-urgent = urgent
sup-xlsx-planned = planned
sup-xlsx-col-number = Number
sup-xlsx-col-created = Created
sup-xlsx-col-district = District
sup-xlsx-col-category = Category
sup-xlsx-col-urgency = Urgency
sup-xlsx-col-status = Status
sup-xlsx-col-curator = Curator
sup-xlsx-col-applicant = Applicant
sup-xlsx-col-phone = Phone
sup-xlsx-col-address = Address
sup-xlsx-col-take-deadline = Take by
sup-xlsx-col-taken = Taken
sup-xlsx-col-taken-in-time = Taken in time
sup-xlsx-col-resolve-deadline = Resolve by
sup-xlsx-col-resolved = Resolved
sup-xlsx-col-resolved-in-time = Resolved in time
sup-xlsx-col-rating = Rating
sup-xlsx-col-rating-comment = Rating comment
sup-xlsx-col-created-count = Created
sup-xlsx-col-taken-pct = Taken in time, %
sup-xlsx-col-resolved-pct = Resolved in time, %
sup-xlsx-col-median-take = Median to take
sup-xlsx-col-median-resolve = Median to resolve
sup-xlsx-total-period = Period
sup-xlsx-total-created = Requests created
sup-xlsx-total-taken-in-time = Taken in time, %
sup-xlsx-total-resolved-in-time = Resolved in time, %
sup-xlsx-total-median-take = Median to take
sup-xlsx-total-median-resolve = Median to resolve
sup-xlsx-total-rating = Average rating
sup-xlsx-by-status = By status
sup-xlsx-count = Requests
sup-xlsx-by-district = By district
sup-xlsx-by-category = By category
sup-xlsx-by-curator = By curator
sup-stats-field = Needs questionnaires in the period: { $questionnaires }; needs found (made into requests): { $findings }{ $topics }. To fill one in: /field (curators and field workers).
