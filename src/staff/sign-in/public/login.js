/* The sign-in page: why a sign-in failed, and where to go after. External: the page's CSP allows no inline script. */
const params = new URLSearchParams(location.search)
if (params.get('error') === 'token') {
  document.querySelector('details').open = true
  document.getElementById('token-error').hidden = false
}
else if (params.has('error')) document.getElementById('error').hidden = false
const next = params.get('next')
if (next && /^\/(console|dashboard)(\/[\w\-/]*)?$/.test(next)) document.getElementById('next').value = next
