/**
 * A customer's phone, as Twilio would deliver its messages: form-encoded webhooks signed with
 * the twilio SDK's own signing function over the public URL, answered with TwiML.
 */
import { randomBytes } from 'node:crypto'
import twilio from 'twilio'
import { PUBLIC_URL, TWILIO_AUTH_TOKEN } from './app.ts'

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`

export interface SmsResponse {
  status: number
  /** The bodies of the TwiML <Message> elements, decoded. */
  messages: string[]
  body: string
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" }

export function parseTwiml(xml: string): string[] {
  return [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((match) => match[1]!.replace(/&(lt|gt|amp|quot|apos);/g, (entity) => ENTITIES[entity]!))
}

export function signedSmsRequest(params: Record<string, string>, options: { authToken?: string; path?: string } = {}) {
  const path = options.path ?? '/twilio/sms'
  const signature = twilio.getExpectedTwilioSignature(options.authToken ?? TWILIO_AUTH_TOKEN, PUBLIC_URL + path, params)
  return {
    path,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    } satisfies RequestInit,
  }
}

/** One phone number texting the service. */
export class Phone {
  constructor(
    private readonly baseUrl: string,
    readonly number: string,
    private readonly serviceNumber = '+861000000000',
  ) {}

  async send(body: string, sid = newMessageSid(), media: { url: string; contentType: string }[] = []): Promise<SmsResponse> {
    // An MMS lists its files as Twilio does: NumMedia, then MediaUrlN and MediaContentTypeN.
    const files = Object.fromEntries(
      media.flatMap((file, index) => [
        [`MediaUrl${index}`, file.url],
        [`MediaContentType${index}`, file.contentType],
      ]),
    )
    const request = signedSmsRequest({ MessageSid: sid, AccountSid: `AC${'0'.repeat(32)}`, From: this.number, To: this.serviceNumber, Body: body, NumMedia: String(media.length), ...files })
    const response = await fetch(this.baseUrl + request.path, request.init)
    const text = await response.text()
    return { status: response.status, messages: response.ok ? parseTwiml(text) : [], body: text }
  }

  /** Sends and returns the whole answer as one text. */
  async say(body: string): Promise<string> {
    const response = await this.send(body)
    if (response.status !== 200) throw new Error(`SMS webhook answered ${response.status}: ${response.body}`)
    return response.messages.join('\n')
  }

  /** Sends an MMS with these files (hosted by the fake Twilio); returns the whole answer. */
  async sendMms(body: string, media: { url: string; contentType: string }[], sid = newMessageSid()): Promise<string> {
    const response = await this.send(body, sid, media)
    if (response.status !== 200) throw new Error(`SMS webhook answered ${response.status}: ${response.body}`)
    return response.messages.join('\n')
  }

  /** Sends several messages in turn. */
  async sayAll(bodies: string[]): Promise<string[]> {
    const answers: string[] = []
    for (const body of bodies) answers.push(await this.say(body))
    return answers
  }
}
