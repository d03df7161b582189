/* The chat page: opens (or resumes) a conversation through /webchat/session and renders Web Chat.
 * Plain browser script, no build step; WebChat is the global from /assets/webchat.js. */
;(function () {
  'use strict'
  var KEY = 'aftercare.webchat'
  var WEEK = 7 * 24 * 3600 * 1000
  var TEXT = {
    'en-US': {
      subtitle: 'After-sales service · repair, installation, maintenance, parts, support, training',
      error: 'The chat is not available right now. Please try again later.',
      loading: 'Connecting to the service desk…',
      other: '中文',
      otherWord: '中文',
      otherLang: 'zh-CN',
    },
    'zh-CN': {
      subtitle: '售后服务 · 维修、安装、保养、配件、技术支持、培训',
      error: '聊天暂时不可用，请稍后再试。',
      loading: '正在连接客服…',
      other: 'English',
      otherWord: 'English',
      otherLang: 'en',
    },
  }

  function webchatLocale(locale) {
    return /^zh/i.test(locale || '') ? 'zh-CN' : 'en-US'
  }
  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || 'null')
      return saved && Date.now() - saved.lastUsed < WEEK ? saved : null
    } catch (_e) {
      return null
    }
  }
  function save(session, locale) {
    try {
      // Local mode keeps the resume key (tokens last 30 minutes); Azure mode keeps its token to refresh.
      localStorage.setItem(
        KEY,
        JSON.stringify({
          conversationId: session.conversationId,
          resumeKey: session.resumeKey,
          token: session.mode === 'azure' ? session.token : undefined,
          userId: session.userId,
          mode: session.mode,
          locale: locale,
          lastUsed: Date.now(),
        }),
      )
    } catch (_e) {
      /* private browsing: the conversation lasts as long as the page */
    }
  }

  var element = document.getElementById('webchat')
  var saved = load()
  var locale = webchatLocale((saved && saved.locale) || navigator.language)
  var language = document.getElementById('language')
  // Until Web Chat replaces it: the visitor sees that something is happening.
  document.getElementById('loading').textContent = TEXT[locale].loading

  fetch('/webchat/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(saved ? { resume: { conversationId: saved.conversationId, resumeKey: saved.resumeKey, token: saved.token, userId: saved.userId }, locale: locale } : { locale: locale }),
  })
    .then(function (response) {
      if (!response.ok) throw new Error('session ' + response.status)
      return response.json()
    })
    .then(function (session) {
      save(session, locale)
      var domain = session.domain || location.origin + '/v3/directline'
      var directLine = connect(session.token, session.resumed ? session.conversationId : undefined)
      var joined = session.resumed
      // A tab left asleep past its token's life (30 minutes) finds it refused (DirectLineJS: ExpiredToken,
      // status 3), and Web Chat then ends that connection. The page asks for a fresh token for the same
      // conversation and connects again from where it had read (its watermark), keeping what is shown;
      // Web Chat's own hosts do the same. Azure's tokens cannot be renewed once lapsed: the page starts again.
      function connect(token, conversationId, watermark) {
        var line = window.WebChat.createDirectLine({ domain: domain, token: token, conversationId: conversationId, watermark: watermark, webSocket: true })
        line.connectionStatus$.subscribe(function (status) {
          if (status === 3 && line === directLine) renew()
        })
        return line
      }
      var renewing = false
      function renew() {
        if (session.mode !== 'local') return location.reload()
        if (renewing) return
        renewing = true
        var watermark = directLine.watermark
        fetch('/webchat/session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ resume: { conversationId: session.conversationId, resumeKey: session.resumeKey }, locale: locale }),
        })
          .then(function (response) {
            if (!response.ok) throw new Error('session ' + response.status)
            return response.json()
          })
          .then(function (fresh) {
            if (fresh.conversationId !== session.conversationId) return location.reload()
            session.token = fresh.token
            save(session, locale)
            directLine = connect(fresh.token, fresh.conversationId, watermark)
            render()
          })
          .catch(function (error) {
            if (window.console) console.error(error)
          })
          .then(function () {
            renewing = false
          })
      }
      var store = window.WebChat.createStore({}, function (api) {
        return function (next) {
          return function (action) {
            if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !joined) {
              // A new conversation: the bot greets the visitor and shows the menu (once, not on a reconnection).
              joined = true
              api.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { locale: locale } } })
            }
            if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
              var activity = action.payload.activity
              save(session, locale)
              // The page speaks the conversation's language: the bot labels its messages.
              if (activity.from && activity.from.role === 'bot' && activity.locale && webchatLocale(activity.locale) !== locale) {
                locale = webchatLocale(activity.locale)
                setTimeout(render, 0)
              }
            }
            return next(action)
          }
        }
      })
      // The language switch says the other language's name to the bot, as a visitor could type it:
      // the bot answers in it, and the page follows the bot's language.
      language.onclick = function () {
        store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: TEXT[locale].otherWord } })
      }
      function render() {
        document.documentElement.lang = locale === 'zh-CN' ? 'zh-CN' : 'en'
        document.getElementById('subtitle').textContent = TEXT[locale].subtitle
        language.textContent = TEXT[locale].other
        language.setAttribute('lang', TEXT[locale].otherLang)
        language.hidden = false
        window.WebChat.renderWebChat(
          {
            directLine: directLine,
            store: store,
            userID: session.userId,
            locale: locale,
            styleOptions: {
              hideUploadButton: false,
              enableUploadThumbnail: false,
              uploadAccept: 'image/jpeg,image/png,image/webp,image/heic,application/pdf',
              uploadMultiple: true,
              suggestedActionLayout: 'flow',
              bubbleBorderRadius: 8,
              bubbleFromUserBorderRadius: 8,
              accent: '#1d4f91',
            },
          },
          element,
        )
      }
      render()
      window.aftercareChat = { session: session, store: store }
    })
    .catch(function (error) {
      element.innerHTML = '<p class="error">' + TEXT[locale].error + '</p>'
      if (window.console) console.error(error)
    })
})()
