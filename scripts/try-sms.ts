/**
 * `npm run try:sms -- "+8613800138000" "hello"`: plays Twilio against a running Aftercare,
 * signing the webhook with TWILIO_AUTH_TOKEN as Twilio would, and prints the TwiML answer's
 * messages. For trying the bot locally without a phone.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import twilio from 'twilio'

if (existsSync('.env')) process.loadEnvFile('.env')
const [from, ...words] = process.argv.slice(2)
const token = process.env.TWILIO_AUTH_TOKEN
if (!from || !words.length || !token) {
  console.error('usage: TWILIO_AUTH_TOKEN=… npm run try:sms -- <from number> <message>')
  process.exit(2)
}
const port = process.env.PORT || '3000'
const publicUrl = (process.env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '')
const params = { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: from, To: process.env.TWILIO_FROM ?? '', Body: words.join(' ') }
const response = await fetch(`http://127.0.0.1:${port}/twilio/sms`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, `${publicUrl}/twilio/sms`, params) },
  body: new URLSearchParams(params),
})
const text = await response.text()
if (!response.ok) {
  console.error(`${response.status}: ${text}`)
  process.exit(1)
}
for (const match of text.matchAll(/<Message>([\s\S]*?)<\/Message>/g)) {
  console.log(
    match[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  )
  console.log('—')
}
