/*
 * The ticket actions as forms: the same fields as Slack's modals and the API's body. The server
 * checks everything again; a refusal (400 with the problem, 409 with what is possible now) is
 * shown above the form.
 */
window.CONSOLE_FORMS = (() => {
  const DEADLINES = ['response', 'installation', 'diagnosis', 'feedback']
  const FIELDS = {
    respond: [
      ['technician', 'technician', true],
      ['appointmentAt', 'datetime'],
      ['category', 'text'],
      ['note', 'textarea'],
    ],
    reassign: [
      ['technician', 'technician', true],
      ['reason', 'textarea', true],
    ],
    arrive: [['note', 'textarea']],
    diagnose: [
      ['rootCause', 'rootCause', true],
      ['findings', 'textarea', true],
    ],
    record_parts: [
      ['partNumber', 'text', true],
      ['name', 'text', true],
      ['quantity', 'number', true],
      ['genuine', 'checkbox'],
    ],
    test: [
      ['passed', 'checkbox'],
      ['notes', 'textarea'],
    ],
    ship: [
      ['carrier', 'text'],
      ['tracking', 'text'],
      ['note', 'textarea'],
    ],
    resolve: [['solution', 'textarea', true]],
    confirm: [['note', 'textarea']],
    reject: [['reason', 'textarea']],
    reopen: [['reason', 'textarea', true]],
    close: [['note', 'textarea']],
    cancel: [['reason', 'textarea', true]],
    force_majeure: [
      ['note', 'textarea', true],
      ['affects', 'deadlines', true],
    ],
    party_a_breach: [
      ['kind', 'breach', true],
      ['note', 'textarea', true],
    ],
    direct_loss: [
      ['causedBy', 'party', true],
      ['amount', 'number', true],
      ['evidence', 'textarea', true],
    ],
    set_service_value: [
      ['value', 'number', true],
      ['note', 'textarea'],
    ],
  }
  const LABELS = {
    technician: 'Technician',
    appointmentAt: 'Appointment',
    category: 'Confirmed fault',
    note: 'Note',
    reason: 'Reason',
    rootCause: 'Root cause',
    findings: 'Findings',
    partNumber: 'Part number',
    name: 'Part name',
    quantity: 'Quantity',
    genuine: 'Genuine part',
    passed: 'Test passed',
    notes: 'Notes',
    carrier: 'Carrier',
    tracking: 'Tracking number',
    solution: 'Solution',
    affects: 'Deadlines it prevented',
    kind: 'What Party A did not do',
    causedBy: 'Caused by',
    amount: 'Amount',
    evidence: 'Evidence',
    value: 'Service value',
  }

  const label = (name, context) => (context.text.fieldNames && context.text.fieldNames[name]) || LABELS[name]

  /** A wall-clock time in the service's zone ("2026-11-28T09:30") as an ISO instant. */
  function zonedToIso(value, timeZone) {
    const [date, time] = value.split('T')
    const [y, m, d] = date.split('-').map(Number)
    const [hh, mm] = time.split(':').map(Number)
    const guess = Date.UTC(y, m - 1, d, hh, mm)
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
        .formatToParts(new Date(guess))
        .map((p) => [p.type, p.value]),
    )
    const shown = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute)
    return new Date(guess - (shown - guess)).toISOString()
  }

  function input(h, kind, name, required, context) {
    const common = { name, ...(required && { required: true }) }
    if (kind === 'textarea') return h('textarea', { ...common, rows: 3, maxlength: 4000 })
    if (kind === 'number') return h('input', { ...common, type: 'number', min: 0, step: 'any' })
    if (kind === 'datetime') return h('input', { ...common, type: 'datetime-local' })
    if (kind === 'checkbox') return h('input', { name, type: 'checkbox' })
    const select = (options) => h('select', common, h('option', { value: '' }, '—'), ...options.map(([value, label]) => h('option', { value }, label)))
    if (kind === 'technician') return select(context.technicians.map((t) => [t.name, t.name]))
    if (kind === 'rootCause') return select(Object.entries(context.labels.rootCauses))
    if (kind === 'breach')
      return select([
        ['late_product_data', 'Late product data'],
        ['late_parts', 'Late parts'],
        ['visit_prevented', 'Visit prevented'],
      ])
    if (kind === 'party')
      return select([
        ['party_a', 'Party A'],
        ['party_b', 'Party B'],
      ])
    if (kind === 'deadlines') return h('select', { ...common, multiple: true, size: 4 }, ...DEADLINES.map((d) => h('option', { value: d }, d)))
    return h('input', { ...common, type: 'text', maxlength: 200 })
  }

  /** The form of one action; `send(body)` posts it. */
  function build(h, action, context, send) {
    const fields = FIELDS[action] || []
    const problem = h('p', { class: 'problem', hidden: true, role: 'alert' })
    const form = h(
      'form',
      { class: 'action', 'data-action': action },
      h('strong', {}, (context.text.actionNames && context.text.actionNames[action]) || context.labels.actions[action] || action),
      problem,
      ...fields.map(([name, kind, required]) =>
        h(
          'label',
          { class: kind === 'checkbox' ? 'inline' : '' },
          kind === 'checkbox' ? input(h, kind, name, required, context) : label(name, context) + (required ? ' *' : ''),
          kind === 'checkbox' ? label(name, context) : input(h, kind, name, required, context),
        ),
      ),
      h('button', { type: 'submit' }, context.text.submit),
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const body = { action }
      for (const [name, kind] of fields) {
        const element = form.elements[name]
        if (kind === 'checkbox') body[name] = element.checked
        else if (kind === 'deadlines') body[name] = [...element.selectedOptions].map((o) => o.value)
        else if (element.value === '') continue
        else if (kind === 'number') body[name] = Number(element.value)
        else if (kind === 'datetime') body[name] = zonedToIso(element.value, context.timeZone)
        else body[name] = element.value
      }
      if (action === 'record_parts') {
        const { partNumber, name, quantity, genuine } = body
        for (const key of ['partNumber', 'name', 'quantity', 'genuine']) delete body[key]
        body.parts = [{ partNumber, name, quantity, genuine }]
      }
      const error = await send(body)
      if (error) {
        problem.textContent = error
        problem.hidden = false
      }
    })
    return form
  }

  return { build, zonedToIso }
})()
