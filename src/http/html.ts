/**
 * HTML of ours with customers' words inside it: the `html` tag escapes every value unless it is
 * `Html` already (a fragment built the same way), as `md` does for Slack.
 */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text
  }
}

type Part = Html | string | number | null | undefined | Html[]

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const piece = (value: Part): string =>
  Array.isArray(value) ? value.map((item) => item.text).join('') : value instanceof Html ? value.text : value === null || value === undefined ? '' : escapeHtml(String(value))

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let text = strings[0]!
  values.forEach((value, index) => (text += piece(value) + strings[index + 1]!))
  return new Html(text)
}
