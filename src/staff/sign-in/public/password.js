/* Carries the link's key into the form, then takes it out of the address bar and the history. */
const key = new URLSearchParams(location.search).get('key') || ''
document.getElementById('key').value = key
history.replaceState(null, '', '/password')
