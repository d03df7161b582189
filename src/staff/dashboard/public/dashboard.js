/* The dashboard: reads /api/reports with the session cookie and draws the figures. Plain browser
 * script; Chart is the global from /dashboard/chart.js. Text goes in with textContent only. */
;(function () {
  'use strict'
  var form = document.getElementById('period')
  var status = document.getElementById('status')
  var charts = {}
  var COLORS = ['#1d4f91', '#2e7d32', '#c77700', '#8e24aa', '#00838f', '#b42318']
  // Set by /dashboard/config.js: the service's time zone, and the names Slack and the reports use.
  var CONFIG = window.AFTERCARE_DASHBOARD || { timeZone: 'UTC', serviceTypes: {}, rootCauses: {} }
  function named(names) {
    return function (key) {
      return names[key] || key
    }
  }

  // A day as the service counts it (SERVICE_TIMEZONE), not as this browser's clock does.
  var dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: CONFIG.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  function iso(date) {
    return dayFormat.format(date)
  }
  function short(ratio) {
    return ratio.value !== null && ratio.value < 1
  }
  function pct(ratio) {
    return ratio.value === null ? '—' : (ratio.value * 100).toFixed(1) + '%'
  }
  function detail(ratio) {
    return ratio.numerator + ' / ' + ratio.denominator
  }
  function get(path) {
    return fetch(path, { credentials: 'same-origin' }).then(function (response) {
      if (response.status === 401) {
        location.reload()
        throw new Error('signed out')
      }
      return response
        .json()
        .catch(function () {
          return null
        })
        .then(function (body) {
          if (!response.ok) throw new Error(body && body.error ? body.error : path + ': ' + response.status)
          return body
        })
    })
  }
  function card(label, value, sub, warn) {
    var el = document.createElement('div')
    el.className = 'card' + (warn ? ' warn' : '')
    ;[
      ['label', label],
      ['value', value],
      ['detail', sub],
    ].forEach(function (part) {
      var span = document.createElement('div')
      span.className = part[0]
      span.textContent = part[1]
      el.appendChild(span)
    })
    return el
  }
  function chart(id, config) {
    if (charts[id]) charts[id].destroy()
    var canvas = document.getElementById(id)
    charts[id] = new window.Chart(canvas, config)
    // An empty chart says so, rather than showing bare axes.
    var empty = config.data.datasets.every(function (set) {
      return set.data.every(function (value) {
        return value === null || value === 0
      })
    })
    var note = canvas.parentNode.querySelector('.empty')
    if (!note) {
      note = document.createElement('p')
      note.className = 'empty muted'
      note.textContent = 'No data for this period'
      canvas.parentNode.appendChild(note)
    }
    note.hidden = !empty
  }

  function render(report, trend) {
    var o = report.overall
    var cards = document.getElementById('cards')
    cards.textContent = ''
    cards.appendChild(
      card(
        'Requests',
        String(o.requests.total),
        'SMS ' +
          o.requests.byChannel.sms +
          ' · web ' +
          o.requests.byChannel.webchat +
          ' · Slack ' +
          o.requests.byChannel.slack +
          ' · phone ' +
          o.requests.byChannel.phone +
          ' · WhatsApp ' +
          o.requests.byChannel.whatsapp,
      ),
    )
    // Every deadline is a promise (§4.1b): anything short of all of them shows in red.
    cards.appendChild(card('Responded within 24 h (§2.2)', pct(o.respondedWithin24h), detail(o.respondedWithin24h), short(o.respondedWithin24h)))
    cards.appendChild(card('Installed within 3 working days (§2.1a)', pct(o.installedWithin3WorkingDays), detail(o.installedWithin3WorkingDays), short(o.installedWithin3WorkingDays)))
    cards.appendChild(card('Diagnosed within 1 h (§3.1c)', pct(o.diagnosedWithin1h), detail(o.diagnosedWithin1h), short(o.diagnosedWithin1h)))
    cards.appendChild(
      card(
        'Cycle, request to confirmed fix',
        o.cycleDays.average === null ? '—' : o.cycleDays.average.toFixed(2) + ' d',
        'median ' + (o.cycleDays.median === null ? '—' : o.cycleDays.median.toFixed(2) + ' d') + ' · ' + o.cycleDays.count + ' services',
      ),
    )
    cards.appendChild(card('Satisfied (§3.3b)', pct(o.satisfaction), detail(o.satisfaction) + ' · average ' + (o.averageRating.value === null ? '—' : o.averageRating.value.toFixed(2))))
    cards.appendChild(card('Feedback within 24 h (§3.3a)', pct(o.feedbackWithin24h), detail(o.feedbackWithin24h), short(o.feedbackWithin24h)))
    cards.appendChild(card('Genuine parts (§2.3)', pct(o.parts.genuine), o.parts.fitted + ' fitted'))
    cards.appendChild(card('Warranty repairs (§2.2a)', pct(o.warrantyRepairs), detail(o.warrantyRepairs)))
    cards.appendChild(card('Complaints (§3.3d)', String(o.complaints.openAtEnd) + ' open', o.complaints.opened + ' opened · ' + o.complaints.resolved + ' resolved'))
    cards.appendChild(
      card(
        'Deadline breaches (§4.1b)',
        String(o.breaches.total),
        'damages ' + o.damages.amount.toFixed(2) + ' ' + report.currency + ' (' + o.damages.services + ' services) · force majeure ' + o.breaches.excused,
        o.breaches.total > 0,
      ),
    )

    chart('trend', {
      type: 'line',
      data: {
        labels: trend.weeks.map(function (week) {
          return week.week
        }),
        datasets: [
          {
            label: 'Responded within 24 h',
            data: trend.weeks.map(function (week) {
              return week.respondedWithin24h.value === null ? null : week.respondedWithin24h.value * 100
            }),
            borderColor: COLORS[0],
            spanGaps: true,
          },
          {
            label: 'Satisfied',
            data: trend.weeks.map(function (week) {
              return week.satisfaction.value === null ? null : week.satisfaction.value * 100
            }),
            borderColor: COLORS[1],
            spanGaps: true,
          },
        ],
      },
      options: {
        animation: false,
        scales: {
          y: {
            min: 0,
            max: 100,
            ticks: {
              callback: function (v) {
                return v + '%'
              },
            },
          },
        },
      },
    })
    var types = Object.keys(report.byType)
    chart('types', {
      type: 'bar',
      data: {
        labels: types.map(named(CONFIG.serviceTypes)),
        datasets: [
          {
            label: 'Requests',
            data: types.map(function (type) {
              return report.byType[type].requests.total
            }),
            backgroundColor: COLORS[0],
          },
        ],
      },
      options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    })
    var causes = Object.keys(o.rootCauses.byCause)
    chart('causes', {
      type: 'doughnut',
      data: {
        labels: causes.map(named(CONFIG.rootCauses)),
        datasets: [
          {
            data: causes.map(function (cause) {
              return o.rootCauses.byCause[cause]
            }),
            backgroundColor: COLORS,
          },
        ],
      },
      options: { animation: false, aspectRatio: 2 },
    })
    chart('technicians', {
      type: 'bar',
      data: {
        labels: report.byTechnician.map(function (row) {
          return row.technician.name
        }),
        datasets: [
          {
            label: 'Responded within 24 h %',
            data: report.byTechnician.map(function (row) {
              return row.figures.respondedWithin24h.value === null ? null : row.figures.respondedWithin24h.value * 100
            }),
            backgroundColor: COLORS[0],
          },
          {
            label: 'Satisfied %',
            data: report.byTechnician.map(function (row) {
              return row.figures.satisfaction.value === null ? null : row.figures.satisfaction.value * 100
            }),
            backgroundColor: COLORS[1],
          },
        ],
      },
      options: { animation: false, scales: { y: { min: 0, max: 100 } } },
    })

    var body = document.querySelector('#technician-table tbody')
    body.textContent = ''
    report.byTechnician.forEach(function (row) {
      var tr = document.createElement('tr')
      var f = row.figures
      ;[row.technician.name, pct(f.respondedWithin24h), pct(f.diagnosedWithin1h), pct(f.satisfaction), String(f.complaints.opened), String(f.breaches.total)].forEach(function (text) {
        var td = document.createElement('td')
        td.textContent = text
        tr.appendChild(td)
      })
      body.appendChild(tr)
    })
  }

  function load() {
    var from = form.elements.from.value
    var to = form.elements.to.value
    var query = '?from=' + from + '&to=' + to
    document.getElementById('csv').href = '/api/reports/agreement.csv' + query
    status.textContent = 'Loading…'
    Promise.all([get('/api/reports/agreement' + query), get('/api/reports/trend?weeks=12')])
      .then(function (results) {
        render(results[0], results[1])
        status.textContent =
          'Period ' + from + ' to ' + to + ' (' + results[0].period.timeZone + ')' + (from === defaults.from && to === defaults.to ? ': the last 30 days, as npm run report shows by default' : '')
        document.body.dataset.loaded = 'true'
      })
      .catch(function (error) {
        status.textContent = 'Could not load the figures: ' + error.message
      })
  }

  var params = new URLSearchParams(location.search)
  var today = new Date()
  // The same default as `npm run report`: the last 30 days, today included, in the service's zone.
  var defaults = { from: iso(new Date(today.getTime() - 29 * 86400000)), to: iso(today) }
  form.elements.to.value = params.get('to') || defaults.to
  form.elements.from.value = params.get('from') || defaults.from
  form.addEventListener('submit', function (event) {
    event.preventDefault()
    load()
  })
  load()
})()
