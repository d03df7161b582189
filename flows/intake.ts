/**
 * The intake's questions as data: which apply to which service, how an answer is read, how it
 * is shown in the summary. The conversation machine asks the first applicable question that
 * has no answer yet, so editing an answer is simply forgetting it.
 */
import { copyFor, type Field, type Hint } from './copy.ts'
import { daysBetween, formatDay, parseDate, type IsoDate } from './dates.ts'
import type { Locale } from './locale.ts'
import { ON_SITE, normalize, parseServiceType, type ServiceType } from './service-types.ts'

export interface Draft {
  serviceType?: ServiceType
  productModel?: string
  /** null: the customer skipped it. */
  serialNumber?: string | null
  deliveryDate?: IsoDate
  description?: string
  /** Photos kept with the request so far (0: the customer went on without one). */
  photos?: number
  siteAddress?: string
  contactName?: string
}

/** A complete request, ready to become a ticket. */
export interface Submission {
  serviceType: ServiceType
  productModel: string
  serialNumber: string | null
  deliveryDate: IsoDate | null
  description: string | null
  siteAddress: string | null
  contactName: string
}

export const FIELDS: readonly Field[] = ['serviceType', 'productModel', 'serialNumber', 'deliveryDate', 'description', 'photos', 'siteAddress', 'contactName']

/** The fields a form can fill in: all but the photos. */
export const FORM_FIELDS: readonly Field[] = FIELDS.filter((field) => field !== 'photos')

/** Services where a photo shows the technician what to bring: the fault, the display, the part, the nameplate. */
const PHOTOGRAPHED: ReadonlySet<ServiceType> = new Set(['repair', 'maintenance', 'spare_parts', 'technical_support'])

/** §2.1a: installations are tracked from delivery; every other service is described instead. */
export function applies(field: Field, type: ServiceType | undefined): boolean {
  switch (field) {
    case 'deliveryDate':
      return type === 'installation'
    case 'description':
      return type !== 'installation'
    case 'photos':
      return type !== undefined && PHOTOGRAPHED.has(type)
    case 'siteAddress':
      return type !== undefined && ON_SITE.has(type)
    default:
      return true
  }
}

export const applicableFields = (draft: Draft): Field[] => FIELDS.filter((field) => applies(field, draft.serviceType))

/** The next question to ask, or undefined when the draft is complete. */
export function nextField(draft: Draft): Field | undefined {
  return applicableFields(draft).find((field) => draft[field] === undefined)
}

export type Parsed = { ok: true; value: Draft[Field] } | { ok: false; hint: Hint }

const SKIP = new Set(['skip', 'none', 'no', 'n/a', 'na', 'unknown', "don't know", 'dont know', '跳过', '无', '没有', '不知道'])
const NO_PHOTO = new Set([...SKIP, 'no photo', 'no photos', 'no picture', 'no pictures', 'no thanks', 'later', '没有照片', '不发', '不用', '不用了', '不需要'])
const fail = (hint: Hint): Parsed => ({ ok: false, hint })
const clean = (text: string) => text.normalize('NFKC').trim().replace(/\s+/g, ' ')
/** What the customer wrote, as they wrote it (full-width punctuation and all), spaces tidied. */
const asWritten = (text: string) => text.trim().replace(/\s+/g, ' ')
const hasWordCharacter = /[\p{L}\p{N}]/u

/** Reads one answer. `today` is the service's calendar day, for relative dates. */
export function parseAnswer(field: Field, text: string, today: IsoDate): Parsed {
  const answer = clean(text)
  switch (field) {
    case 'serviceType': {
      const type = parseServiceType(answer)
      return type ? { ok: true, value: type } : fail('serviceType')
    }
    case 'productModel':
      return answer.length >= 2 && answer.length <= 60 && hasWordCharacter.test(answer) ? { ok: true, value: answer } : fail('productModel')
    case 'serialNumber': {
      if (SKIP.has(normalize(answer))) return { ok: true, value: null }
      // "S/N 123", "SN: 123", "serial number 123", "序列号123" → "123"; but "SN123" may be the serial itself.
      const serial = answer.replace(/^(?:s\/n\s*[:：#]?\s*|序列号\s*[:：#]?\s*|(?:sn|serial(?: number| no\.?)?)(?:\s*[:：#]\s*|\s+))/i, '').toUpperCase()
      return /^[A-Z0-9][A-Z0-9\-/.]{2,39}$/.test(serial) && /\d/.test(serial) ? { ok: true, value: serial } : fail('serialNumber')
    }
    case 'deliveryDate': {
      const date = parseDate(answer, today)
      if (!date) return fail('deliveryDate')
      if (daysBetween(today, date) > 90 || daysBetween(date, today) > 365) return fail('deliveryDateRange')
      return { ok: true, value: date }
    }
    // Answered by sending photos (counted by the machine); in words, only by going on without one.
    case 'photos':
      return NO_PHOTO.has(normalize(answer)) ? { ok: true, value: 0 } : fail('photos')
    // Checked in the normalised form; kept as written: "洗到一半停机，显示E24" keeps its comma.
    case 'description':
      return answer.length >= 3 && answer.length <= 1000 && hasWordCharacter.test(answer) ? { ok: true, value: asWritten(text) } : fail('description')
    case 'siteAddress':
      return answer.length >= 5 && answer.length <= 300 && hasWordCharacter.test(answer) ? { ok: true, value: asWritten(text) } : fail('siteAddress')
    case 'contactName':
      return answer.length >= 1 && answer.length <= 80 && /\p{L}/u.test(answer) ? { ok: true, value: asWritten(text) } : fail('contactName')
  }
}

/** The draft with every applicable answer, or undefined if one is missing. */
export function toSubmission(draft: Draft): Submission | undefined {
  if (nextField(draft) !== undefined || !draft.serviceType) return undefined
  const type = draft.serviceType
  return {
    serviceType: type,
    productModel: draft.productModel!,
    serialNumber: draft.serialNumber ?? null,
    deliveryDate: applies('deliveryDate', type) ? draft.deliveryDate! : null,
    description: applies('description', type) ? draft.description! : null,
    siteAddress: applies('siteAddress', type) ? draft.siteAddress! : null,
    contactName: draft.contactName!,
  }
}

/** A request's answers all at once, as staff type them in a form (§3.1a, a phone call). */
export type Answers = Partial<Record<Field, string | null>>

/**
 * Reads a whole request with the conversation's own rules, field by field: what a customer could
 * not answer in a chat, staff cannot enter in a form. An empty serial number is skipped, as SKIP
 * is in the chat; any other applicable field that is empty or unreadable is named with its hint.
 */
export function readAnswers(answers: Answers, today: IsoDate): { ok: true; submission: Submission } | { ok: false; problems: Partial<Record<Field, Hint>> } {
  const draft: Draft = {}
  const problems: Partial<Record<Field, Hint>> = {}
  for (const field of FIELDS) {
    // The type decides which fields apply; without one, only the type itself is reported.
    if (field !== 'serviceType' && (!draft.serviceType || !applies(field, draft.serviceType))) continue
    const text = answers[field]?.trim() ?? ''
    // A form has no photos: staff attach them through the API.
    if (field === 'photos') {
      draft.photos = 0
      continue
    }
    if (field === 'serialNumber' && !text) {
      draft.serialNumber = null
      continue
    }
    const parsed = text ? parseAnswer(field, text, today) : fail(field)
    if (parsed.ok) Object.assign(draft, { [field]: parsed.value })
    else problems[field] = parsed.hint
  }
  const submission = toSubmission(draft)
  return submission && Object.keys(problems).length === 0 ? { ok: true, submission } : { ok: false, problems }
}

/**
 * The label and shown value of each applicable answer, numbered from 1 as in the summary. Photos
 * are not among them: one sent cannot be taken back by changing an answer.
 */
export function summaryLines(draft: Draft, locale: Locale): { field: Field; label: string; value: string }[] {
  const copy = copyFor(locale)
  return applicableFields(draft)
    .filter((field) => field !== 'photos')
    .map((field) => {
      const label = field === 'description' && draft.serviceType ? copy.descriptionLabel[draft.serviceType] : copy.fieldLabels[field]
      const raw = draft[field]
      const value =
        field === 'serviceType' && draft.serviceType
          ? copy.serviceTypes[draft.serviceType]
          : field === 'deliveryDate' && draft.deliveryDate
            ? formatDay(draft.deliveryDate, locale)
            : raw === null || raw === undefined
              ? copy.none
              : String(raw)
      return { field, label, value }
    })
}
