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
