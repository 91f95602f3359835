# Bot texts in English. Russian (ru.ftl) is the primary language and the fallback.

## General
start-greeting =
    Hello! This is Patronazh, the support service for families of mobilized servicemen.
    Your family gets its own social curator here. They are reachable around the clock and can help with a nanny, a kindergarten, a psychologist, care for elderly relatives and more.
error-generic = Something went wrong. Your data is safe — please try again in a minute.

## Staff invites
staff-invite-welcome =
    { $name }, welcome! You are connected as { $role ->
        [curator] a social curator
        [supervisor] a curators' supervisor
       *[observer] an observer
    }.
    New requests and notifications will arrive here.
staff-invite-forged = This invite link is not valid. Please ask the administrator for a new one.
staff-invite-used = This link has already been used. Each invite works once — please ask the administrator for a new one.
staff-invite-expired = This link has expired. Please ask the administrator for a new invite.
staff-invite-already-staff = This account is already connected as staff. To change the role, contact the administrator.

## Delivery and routing
delivery-request-card =
    { $urgent ->
        [yes] 🔴 Urgent request № { $number }
       *[no] New request № { $number }
    }
    Category: { delivery-category }
    Urgency: { $urgent ->
        [yes] urgent
       *[no] planned
    }
    District: { $district }
    Family: { $family }
    Take by: { $deadline } ({ $timeZone })
delivery-request-card-rerouted = This request came to you because the previous recipient cannot be reached.
delivery-category = { $category ->
        [nanny] Nanny
        [kindergarten_transfer] Transfer to a kindergarten nearer home
        [school_meals] Free school meals
        [psychologist] Psychologist
        [elderly_care] Social worker for elderly relatives
        [employment] Work and training
        [legal] Legal help
        [medical] Medical help
       *[other] Other
    }
delivery-family-unknown = no name
delivery-family-without-curator =
    A family registered in the district “{ $district }”, but it has no active curator.
    Please assign a curator to the family (family id in the system: { $familyId }).
delivery-recipient-unreachable =
    { $unreachable } has blocked the bot and gets no notifications about request № { $number }.
    { $next ->
        [none] Nobody could take the request automatically — please assign a curator.
       *[other] The request went to: { $next }.
    }
delivery-supervisors = the district supervisors
