/* The sign-in page: show why a sign-in failed. External, so the page needs no inline script (CSP). */
if (location.search.includes('error')) document.getElementById('error').hidden = false
