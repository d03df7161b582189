/* The sign-in page: why a sign-in failed, where to go after, and Sign in with Slack when it is on. External: the page's CSP allows no inline script. */
const params = new URLSearchParams(location.search)
const error = params.get('error')
const SLACK_ERRORS = {
  slack: 'Sign in with Slack did not work; try again, or use your email and password.',
  'slack-unknown': 'Your Slack user is not linked to an Aftercare account: ask an admin to add it.',
  'slack-team': 'That is not this service’s Slack workspace.',
}
if (error === 'token') {
  document.querySelector('details').open = true
  document.getElementById('token-error').hidden = false
} else if (error && error.startsWith('slack')) {
  const shown = document.getElementById('slack-error')
  shown.textContent = SLACK_ERRORS[error] || SLACK_ERRORS.slack
  shown.hidden = false
} else if (error) document.getElementById('error').hidden = false
const next = params.get('next')
if (next && /^\/(console|dashboard)(\/[\w\-/]*)?$/.test(next)) document.getElementById('next').value = next
const slack = document.getElementById('slack')
if (window.AFTERCARE_LOGIN && window.AFTERCARE_LOGIN.slack) {
  slack.hidden = false
  slack.href = `/login/slack?next=${encodeURIComponent(document.getElementById('next').value)}`
}
