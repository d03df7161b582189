import { describe, expect, it } from 'vitest'
import { clipMd, link, md, mention, plain, slackTextToPlain } from './mrkdwn.ts'

describe('Slack mrkdwn of ours (issue 11)', () => {
  it('escapes every interpolated value, keeps our own formatting and mentions live', () => {
    const customer = '<!channel> <https://evil.example|Click here> & <@U0VICTIM1>'
    expect(md`*New ticket* from ${customer}, for ${mention('U0TECH0001')}`.text).toBe(
      '*New ticket* from &lt;!channel&gt; &lt;https://evil.example|Click here&gt; &amp; &lt;@U0VICTIM1&gt;, for <@U0TECH0001>',
    )
    expect(mention('<!channel>').text).toBe('&lt;!channel&gt;')
    expect(link('javascript:alert(1)', 'x').text).toBe('x')
    expect(link('https://aftercare.example/record/1', 'the record <b>').text).toBe('<https://aftercare.example/record/1|the record &lt;b&gt;>')
  })

  it('shortens without cutting an escape or a mention in half', () => {
    const text = md`${'a'.repeat(8)}${'&'}${mention('U0TECH0001')}`
    expect(clipMd(plain('abc&def'), 6).text).toBe('abc…')
    expect(clipMd(text, 16).text).toBe('aaaaaaaa&amp;…')
    expect(clipMd(text, 12).text).toBe('aaaaaaaa…')
  })

  it('reads what a person typed in Slack as plain text: entities and link markup undone', () => {
    expect(slackTextToPlain('A &amp; B &lt;3 &gt; 2')).toBe('A & B <3 > 2')
    expect(slackTextToPlain('see <https://example.com/a?b=1|example.com> or <https://x.example>')).toBe('see example.com (https://example.com/a?b=1) or https://x.example')
    expect(slackTextToPlain('ask <@U0TECH0001|li.ming> in <#C0STAFF0001|service-desk> <!here>')).toBe('ask @li.ming in #service-desk @here')
    expect(slackTextToPlain('&amp;lt;')).toBe('&lt;')
  })
})
