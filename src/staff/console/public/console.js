/*
 * The console: a small page over the API (issue 15). Every string from a customer or a person is
 * put in the page as text (textContent), never as markup. Times are shown in the service's zone.
 */
;(() => {
  const config = window.AFTERCARE_CONSOLE
  if (!config) return void location.assign('/login?next=/console')
  const view = document.getElementById('view')
  let locale = localStorage.getItem('aftercare.locale') || (navigator.language.startsWith('zh') ? 'zh-CN' : 'en')
  const t = window.CONSOLE_TEXT[locale]
  let refresh = null

  /** An element with attributes and children; strings become text nodes. */
  function h(tag, attrs = {}, ...children) {
    const element = document.createElement(tag)
    for (const [key, value] of Object.entries(attrs)) {
      if (value === false || value === undefined || value === null) continue
      if (key.startsWith('on')) element.addEventListener(key.slice(2), value)
      else element.setAttribute(key, value === true ? '' : String(value))
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child))
    return element
  }

  async function api(path, init = {}) {
    const response = await fetch(`/api${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.headers || {}) }, credentials: 'same-origin' })
    if (response.status === 401) return void location.assign(`/login?next=/console`)
    const body = response.status === 204 ? null : await response.json().catch(() => null)
    if (!response.ok) {
      const legal = body && body.legalActions ? ` (${body.legalActions.map(actionName).join(', ')})` : ''
      const problems =
        body && body.problems
          ? ` ${Object.entries(body.problems)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ')}`
          : ''
      throw new Error(`${(body && body.error) || response.statusText}${problems}${legal}`)
    }
    return body
  }

  const format = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: config.timeZone, dateStyle: 'medium', timeStyle: 'short' })
  const when = (iso) => (iso ? format.format(new Date(iso)) : t.none)
  function span(ms) {
    const minutes = Math.round(Math.abs(ms) / 60000)
    return minutes < 60 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`
  }
  function deadline(d) {
    if (!d) return t.none
    const left = new Date(d.dueAt).getTime() - Date.now()
    return h('span', { class: left < 0 ? 'late' : left < 4 * 3600000 ? 'soon' : '' }, `${d.kind} · ${when(d.dueAt)} · ${left < 0 ? t.late(span(left)) : t.left(span(left))}`)
  }
  const actionName = (action) => (t.actionNames && t.actionNames[action]) || config.labels.actions[action] || action
  const statusName = (status) => (t.statuses && t.statuses[status]) || status
  const show = (...nodes) => view.replaceChildren(...nodes.flat().filter((node) => node !== null && node !== undefined && node !== false))
  const failed = (error) => show(h('p', { class: 'problem', role: 'alert' }, error.message))

  // The header: what this role can open, the person, the language.
  function header() {
    const links = [
      ['#/tickets', t.tickets, true],
      ['#/handoffs', t.handoffs, config.can['conversations:reply']],
      ['#/complaints', t.complaints, config.can['complaints:read']],
      ['#/feedback', t.feedback, config.can['feedback:read']],
      ['#/accounts', t.accounts, config.can['accounts:manage']],
      ['/dashboard', t.figures, config.can['reports:read']],
    ].filter(([, , allowed]) => allowed)
    document.getElementById('nav').replaceChildren(...links.map(([href, label]) => h('a', { href, class: location.hash.startsWith(href) ? 'current' : '' }, label)))
    document.getElementById('me').replaceChildren(h('a', { href: '#/me', class: 'me' }, `${config.me.name} · ${config.me.role}`))
    document.getElementById('language').textContent = t.language
    document.getElementById('signout').textContent = t.signOut
    document.documentElement.lang = locale === 'zh-CN' ? 'zh-CN' : 'en'
  }
  document.getElementById('language').addEventListener('click', () => {
    locale = locale === 'zh-CN' ? 'en' : 'zh-CN'
    localStorage.setItem('aftercare.locale', locale)
    location.reload()
  })

  // The ticket list, with its filters in the address (a link can be shared), refreshed every 20 s.
  async function ticketList(params) {
    const query = new URLSearchParams(params)
    if (!query.get('page')) query.set('page', '1')
    const field = (_name, label, control) => h('label', {}, label, control)
    const select = (name, options) => h('select', { name }, h('option', { value: '' }, t.any), ...options.map(([value, label]) => h('option', { value, selected: query.get(name) === value }, label)))
    const filters = h(
      'form',
      { class: 'filters', role: 'search' },
      field('q', t.search, h('input', { name: 'q', type: 'search', placeholder: t.searchHint, value: query.get('q') || '' })),
      field('phone', t.phone, h('input', { name: 'phone', type: 'tel', value: query.get('phone') || '' })),
      field(
        'status',
        t.status,
        select(
          'status',
          ['submitted', 'responded', 'on_site', 'diagnosed', 'repairing', 'testing', 'shipped', 'resolved', 'completed', 'closed', 'reopened', 'cancelled'].map((s) => [s, s]),
        ),
      ),
      field('type', t.type, select('type', Object.entries(config.labels.serviceTypes))),
      field(
        'channel',
        t.channel,
        select(
          'channel',
          ['sms', 'whatsapp', 'webchat', 'slack', 'phone'].map((c) => [c, c]),
        ),
      ),
      ...(config.me.role === 'technician' ? [] : [field('technician', t.technician, h('input', { name: 'technician', value: query.get('technician') || '' }))]),
      field(
        'dueWithin',
        t.due,
        select('dueWithin', [
          ['0', t.overdue],
          ['4', t.within(4)],
          ['24', t.within(24)],
        ]),
      ),
      field('breached', t.breached, select('breached', [['true', t.breached]])),
      field('sort', t.sort, h('select', { name: 'sort' }, h('option', { value: 'newest' }, t.newest), h('option', { value: 'oldest', selected: query.get('sort') === 'oldest' }, t.oldest))),
      h('button', { type: 'submit' }, t.apply),
    )
    filters.addEventListener('submit', (event) => {
      event.preventDefault()
      const next = new URLSearchParams([...new FormData(filters)].filter(([, value]) => value !== ''))
      location.hash = `#/tickets?${next}`
    })
    const body = h('tbody')
    const pager = h('div', { class: 'pager' })
    show(
      filters,
      h('p', { class: 'muted' }, t.zone(config.timeZone)),
      h(
        'table',
        { class: 'list' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t.number, t.status, t.model, t.contact, t.type, t.technician, t.next, t.created].map((c) => h('th', {}, c)),
          ),
        ),
        body,
      ),
      pager,
    )
    async function load() {
      const list = await api(`/tickets?${query}`)
      body.replaceChildren(
        ...(list.items.length
          ? list.items.map((ticket) =>
              h(
                'tr',
                { class: 'row', 'data-number': ticket.number, onclick: () => (location.hash = `#/tickets/${ticket.number}`) },
                h('td', {}, h('a', { href: `#/tickets/${ticket.number}` }, ticket.number)),
                h('td', {}, statusName(ticket.status)),
                h('td', {}, ticket.productModel),
                h('td', {}, ticket.contactName),
                h('td', {}, config.labels.serviceTypes[ticket.type] || ticket.type),
                h('td', {}, ticket.technician || t.none),
                h('td', {}, deadline(ticket.nextDeadline)),
                h('td', {}, when(ticket.createdAt)),
              ),
            )
          : [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, t.empty))]),
      )
      const pages = Math.max(1, Math.ceil(list.total / list.pageSize))
      const go = (page) => () => {
        query.set('page', String(page))
        location.hash = `#/tickets?${query}`
      }
      pager.replaceChildren(
        h('button', { class: 'secondary', disabled: list.page <= 1, onclick: go(list.page - 1) }, t.previous),
        h('span', {}, t.page(list.page, pages)),
        h('button', { class: 'secondary', disabled: list.page >= pages, onclick: go(list.page + 1) }, t.nextPage),
      )
    }
    await load()
    // New tickets appear without a reload.
    refresh = setInterval(() => load().catch(() => undefined), 20000)
  }

  async function ticketPage(number) {
    const [ticket, technicians, conversation] = await Promise.all([
      api(`/tickets/${encodeURIComponent(number)}`),
      config.can['tickets:work'] && config.me.role !== 'technician'
        ? api('/technicians')
            .then((r) => r.items)
            .catch(() => [])
        : Promise.resolve([]),
      config.can['conversations:read'] ? api(`/tickets/${encodeURIComponent(number)}/conversation`).catch(() => null) : Promise.resolve(null),
    ])
    const facts = (pairs) =>
      h(
        'dl',
        { class: 'facts' },
        pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      )
    const photos = ticket.attachments.filter((file) => file.url && file.contentType && file.contentType.startsWith('image/'))
    const panels = [
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, `${ticket.number} · ${config.labels.serviceTypes[ticket.type] || ticket.type} · ${statusName(ticket.status)}`),
        facts([
          [t.customer, `${ticket.contactName} · ${ticket.channel} ${ticket.channelAddress}`],
          [t.model, ticket.productModel],
          [t.serial, ticket.serialNumber],
          [t.description, ticket.description],
          [t.address, ticket.siteAddress],
          [t.delivered, ticket.deliveryDate],
          [t.technician, ticket.technician && ticket.technician.name],
          [t.warranty, ticket.warrantyOf && ticket.warrantyOf.number],
          [t.created, when(ticket.createdAt)],
        ]),
        photos.length
          ? h(
              'div',
              {},
              h('h2', {}, t.photos),
              h(
                'div',
                { class: 'photos' },
                photos.map((file) => h('a', { href: file.url, target: '_blank', rel: 'noopener' }, h('img', { src: file.url, alt: `${file.from} photo`, loading: 'lazy' }))),
              ),
            )
          : null,
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, t.deadlines),
        h('p', { class: 'muted' }, t.zone(config.timeZone)),
        h(
          'ul',
          {},
          ticket.deadlines.map((d) => h('li', {}, d.metAt ? `${d.kind} · ${when(d.dueAt)} · ${t.met} ${when(d.metAt)}` : deadline(d))),
        ),
        ticket.breaches.length
          ? h(
              'div',
              {},
              h('h2', {}, t.breaches),
              h(
                'ul',
                {},
                ticket.breaches.map((b) => h('li', { class: 'late' }, `${b.kind} · ${when(b.breachedAt)}${b.forceMajeure ? ' · force majeure' : ''}`)),
              ),
            )
          : null,
        ticket.damages ? h('p', {}, `${t.damages}: ${ticket.damages.amount} (${ticket.damages.excused ? 'excused' : `value ${ticket.damages.value}`})`) : null,
      ),
    ]
    const actions = h('section', { class: 'panel' }, h('h2', {}, t.actions))
    const canAct = config.can['tickets:work']
    if (!canAct) actions.append(h('p', { class: 'muted' }, t.readOnly))
    else {
      const allowed = config.me.role === 'technician' ? ticket.legalActions.filter((a) => ['arrive', 'diagnose', 'record_parts', 'ship', 'test', 'resolve'].includes(a)) : ticket.legalActions
      const slot = h('div')
      actions.append(
        h(
          'div',
          { class: 'actions' },
          allowed.map((action) =>
            h(
              'button',
              {
                class: 'secondary',
                type: 'button',
                'data-action': action,
                onclick: () =>
                  slot.replaceChildren(
                    window.CONSOLE_FORMS.build(h, action, { technicians, labels: config.labels, text: t, timeZone: config.timeZone }, async (body) => {
                      try {
                        await api(`/tickets/${encodeURIComponent(ticket.number)}/actions`, { method: 'POST', body: JSON.stringify(body) })
                        await ticketPage(number)
                        view.prepend(h('p', { class: 'done', role: 'status' }, `${actionName(action)}: ${t.done}`))
                      } catch (error) {
                        return error.message
                      }
                    }),
                  ),
              },
              actionName(action),
            ),
          ),
        ),
        slot,
      )
    }
    const trail = h(
      'section',
      { class: 'panel' },
      h('h2', {}, t.trail),
      h(
        'ol',
        { class: 'trail' },
        ticket.events.map((e) =>
          h('li', {}, `${e.type}${e.data && e.data.text ? `: ${e.data.text}` : ''} — ${(e.data && e.data.actorName) || e.actor.replace(/^customer:.*/, t.customer)}`, h('time', {}, when(e.at))),
        ),
      ),
    )
    const talk =
      conversation && conversation.messages.length
        ? h(
            'section',
            { class: 'panel' },
            h('h2', {}, t.conversation),
            h(
              'ol',
              { class: 'transcript' },
              conversation.messages.map((m) => h('li', { class: m.direction }, m.body, h('time', {}, when(m.createdAt)))),
            ),
            conversation.handoffActive && config.can['conversations:reply'] ? replyBox(conversation.id, () => ticketPage(number)) : null,
          )
        : null
    show(h('p', {}, h('a', { href: '#/tickets' }, `← ${t.tickets}`)), h('div', { class: 'grid' }, panels), actions, talk, trail)
  }

  function replyBox(conversationId, after) {
    const problem = h('p', { class: 'problem', hidden: true, role: 'alert' })
    const text = h('textarea', { name: 'text', rows: 3, maxlength: 1500, required: true, 'aria-label': t.reply })
    const form = h(
      'form',
      { class: 'reply' },
      h('strong', {}, t.reply),
      h('span', { class: 'muted' }, t.replyHint),
      problem,
      text,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit' }, t.send),
        h(
          'button',
          {
            class: 'secondary',
            type: 'button',
            onclick: async () => {
              try {
                await api(`/conversations/${conversationId}/release`, { method: 'POST', body: '{}' })
                await after()
              } catch (error) {
                problem.textContent = error.message
                problem.hidden = false
              }
            },
          },
          t.release,
        ),
      ),
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      try {
        await api(`/conversations/${conversationId}/replies`, { method: 'POST', body: JSON.stringify({ text: text.value }) })
        await after()
      } catch (error) {
        problem.textContent = error.message
        problem.hidden = false
      }
    })
    return form
  }

  async function handoffs() {
    const list = await api('/conversations?active=true&pageSize=50')
    const items = await Promise.all(list.items.map(async (c) => ({ summary: c, detail: await api(`/conversations/${c.id}`) })))
    show(
      h('h2', {}, t.handoffs),
      items.length
        ? items.map(({ summary, detail }) =>
            h(
              'section',
              { class: 'panel', 'data-conversation': summary.id },
              h('h2', {}, `${summary.identity.channel} ${summary.identity.address} · ${t.waitingSince} ${when(summary.handoffRequestedAt)}`),
              detail.tickets.length
                ? h(
                    'p',
                    {},
                    detail.tickets.map((ticket) => h('a', { href: `#/tickets/${ticket.number}` }, `${ticket.number} (${ticket.status}) `)),
                  )
                : null,
              h(
                'ol',
                { class: 'transcript' },
                detail.messages.slice(-12).map((m) => h('li', { class: m.direction }, m.body, h('time', {}, when(m.createdAt)))),
              ),
              replyBox(summary.id, handoffs),
            ),
          )
        : h('p', { class: 'muted' }, t.empty),
    )
    refresh = setInterval(
      () =>
        api('/conversations?active=true&pageSize=50')
          .then((now) => now.items.length !== list.items.length && handoffs())
          .catch(() => undefined),
      15000,
    )
  }

  async function complaints() {
    const list = await api('/complaints?pageSize=50')
    const act = (number, body) => api(`/complaints/${number}/actions`, { method: 'POST', body: JSON.stringify(body) }).then(complaints, failed)
    show(
      h('h2', {}, t.complaints),
      h(
        'table',
        { class: 'list' },
        h(
          'tbody',
          {},
          list.items.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, c.number),
              h('td', {}, c.status),
              h('td', {}, c.text),
              h('td', {}, when(c.openedAt)),
              h(
                'td',
                {},
                config.can['complaints:work'] && c.status !== 'resolved'
                  ? [
                      h('button', { class: 'secondary', onclick: () => act(c.number, { action: 'take' }) }, t.take),
                      h(
                        'button',
                        {
                          class: 'secondary',
                          onclick: () => {
                            const outcome = prompt(t.outcome)
                            if (outcome) act(c.number, { action: 'resolve', outcome })
                          },
                        },
                        t.resolve,
                      ),
                    ]
                  : '',
              ),
            ),
          ),
        ),
      ),
    )
  }

  async function feedback() {
    const list = await api('/feedback?pageSize=50')
    show(
      h('h2', {}, t.feedback),
      h(
        'table',
        { class: 'list' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t.number, t.status, t.rating, t.comment].map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          list.items.map((f) => h('tr', {}, h('td', {}, f.ticket || t.none), h('td', {}, f.status), h('td', {}, f.rating ?? t.none), h('td', {}, f.comment ?? ''))),
        ),
      ),
    )
  }

  async function accounts() {
    const list = await api('/accounts')
    const result = h('div')
    const form = h(
      'form',
      { class: 'filters' },
      h('label', {}, t.email, h('input', { name: 'email', type: 'email', required: true })),
      h('label', {}, t.name, h('input', { name: 'name', required: true })),
      h(
        'label',
        {},
        t.role,
        h(
          'select',
          { name: 'role' },
          ['agent', 'technician', 'party_a', 'admin'].map((r) => h('option', { value: r }, r)),
        ),
      ),
      h('label', {}, t.slackUser, h('input', { name: 'slackUserId', pattern: '[UW][A-Z0-9]{2,20}' })),
      h('button', { type: 'submit' }, t.create),
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const body = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ''))
      try {
        const created = await api('/accounts', { method: 'POST', body: JSON.stringify(body) })
        await accounts()
        view.append(h('p', { class: 'done' }, t.linkFor, h('br'), h('code', {}, created.setPasswordUrl)))
      } catch (error) {
        result.replaceChildren(h('p', { class: 'problem' }, error.message))
      }
    })
    const change = (id, body) => api(`/accounts/${id}`, { method: 'PATCH', body: JSON.stringify(body) }).then(accounts, failed)
    const link = async (id) => {
      const { url } = await api(`/accounts/${id}/password-link`, { method: 'POST', body: '{}' })
      result.replaceChildren(h('p', { class: 'done' }, t.linkFor, h('br'), h('code', {}, url)))
    }
    show(
      h('h2', {}, t.newAccount),
      form,
      result,
      h('h2', {}, t.accounts),
      h(
        'table',
        { class: 'list' },
        h(
          'tbody',
          {},
          list.items.map((a) =>
            h(
              'tr',
              {},
              h('td', {}, a.name),
              h('td', {}, a.email),
              h('td', {}, a.role),
              h('td', {}, a.disabledAt ? t.disabled : a.hasPassword ? '' : t.noPassword),
              h(
                'td',
                {},
                h('button', { class: 'secondary', onclick: () => change(a.id, { disabled: !a.disabledAt }) }, a.disabledAt ? t.enable : t.disable),
                h('button', { class: 'secondary', onclick: () => link(a.id).catch(failed) }, t.passwordLink),
              ),
            ),
          ),
        ),
      ),
    )
  }

  // The person's own account: their API tokens (shown once at creation, revocable).
  async function myAccount() {
    const me = await api('/me')
    const shown = h('div')
    const form = h('form', { class: 'filters' }, h('label', {}, t.name, h('input', { name: 'name', required: true, maxlength: 80 })), h('button', { type: 'submit' }, t.newToken))
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      try {
        const created = await api('/me/tokens', { method: 'POST', body: JSON.stringify({ name: form.elements.name.value }) })
        await myAccount()
        view.append(h('p', { class: 'done', role: 'status' }, t.tokenShown, h('br'), h('code', { id: 'new-token' }, created.token)))
      } catch (error) {
        shown.replaceChildren(h('p', { class: 'problem' }, error.message))
      }
    })
    const revoke = (id) => api(`/me/tokens/${id}`, { method: 'DELETE' }).then(myAccount, failed)
    show(
      h('h2', {}, `${me.name} · ${me.email} · ${me.role}`),
      h('h2', {}, t.tokens),
      form,
      shown,
      h(
        'table',
        { class: 'list' },
        h(
          'tbody',
          {},
          me.tokens.map((token) =>
            h(
              'tr',
              { 'data-token': token.id },
              h('td', {}, token.name),
              h('td', {}, `${token.prefix}…`),
              h('td', {}, when(token.createdAt)),
              h('td', {}, token.revokedAt ? `${t.revoke}: ${when(token.revokedAt)}` : h('button', { class: 'secondary', onclick: () => revoke(token.id) }, t.revoke)),
            ),
          ),
        ),
      ),
    )
  }

  async function route() {
    clearInterval(refresh)
    header()
    const [path, search] = location.hash.replace(/^#/, '').split('?')
    show(h('p', { class: 'muted' }, t.loading))
    try {
      const ticket = /^\/tickets\/(SR-[\w-]+)$/i.exec(path || '')
      if (ticket) await ticketPage(ticket[1])
      else if (path === '/handoffs') await handoffs()
      else if (path === '/complaints') await complaints()
      else if (path === '/feedback') await feedback()
      else if (path === '/accounts') await accounts()
      else if (path === '/me') await myAccount()
      else await ticketList(search || '')
    } catch (error) {
      failed(error)
    }
  }
  window.addEventListener('hashchange', route)
  route()
})()
