/**
 * What Slack refuses in Block Kit, for the fake Slack (slack-api.ts): a message or view that
 * breaks a documented limit is answered `invalid_blocks` / `invalid_arguments` with the reason, as
 * Slack does, so a builder that goes over fails its test instead of failing in production.
 * Limits from https://docs.slack.dev/reference/block-kit (blocks, block elements, composition
 * objects); the ones our builders can reach.
 */
type Json = Record<string, unknown>

const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  overflowOptions: [2, 5],
  selectOptions: 100,
  checkboxOptions: 10,
  radioOptions: 10,
  inputLabel: 2000,
  viewTitle: 24,
  viewSubmit: 24,
  privateMetadata: 3000,
  blockId: 255,
  actionId: 255,
} as const

/** A lone UTF-16 surrogate: Slack refuses it as invalid text. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function textProblem(where: string, text: unknown, max: number): string | undefined {
  const value = typeof text === 'object' && text !== null ? (text as Json).text : text
  if (typeof value !== 'string') return `${where}: text missing`
  if (!value.length) return `${where}: text must not be empty`
  if (value.length > max) return `${where}: text longer than ${max} characters (${value.length})`
  if (LONE_SURROGATE.test(value)) return `${where}: text has a lone surrogate`
  return undefined
}

function optionsProblem(where: string, options: unknown, [min, max]: readonly [number, number]): string | undefined {
  if (!Array.isArray(options)) return `${where}: options missing`
  if (options.length < min || options.length > max) return `${where}: must have ${min} to ${max} options (has ${options.length})`
  for (const [index, option] of options.entries()) {
    const problem = textProblem(`${where}.options[${index}]`, (option as Json).text, LIMITS.optionText)
    if (problem) return problem
    if (String((option as Json).value ?? '').length > LIMITS.optionValue) return `${where}.options[${index}]: value longer than ${LIMITS.optionValue}`
  }
  return undefined
}

function elementProblem(where: string, element: Json): string | undefined {
  if (typeof element.action_id === 'string' && element.action_id.length > LIMITS.actionId) return `${where}: action_id too long`
  switch (element.type) {
    case 'button':
      return textProblem(`${where}.text`, element.text, LIMITS.buttonText)
    case 'overflow':
      return optionsProblem(where, element.options, LIMITS.overflowOptions)
    case 'static_select':
      return optionsProblem(where, element.options, [1, LIMITS.selectOptions])
    case 'checkboxes':
      return optionsProblem(where, element.options, [1, LIMITS.checkboxOptions])
    case 'radio_buttons':
      return optionsProblem(where, element.options, [1, LIMITS.radioOptions])
    default:
      return undefined
  }
}

function blockProblem(where: string, block: Json): string | undefined {
  if (typeof block.block_id === 'string' && block.block_id.length > LIMITS.blockId) return `${where}: block_id too long`
  switch (block.type) {
    case 'section': {
      if (block.text) {
        const problem = textProblem(`${where}.text`, block.text, LIMITS.sectionText)
        if (problem) return problem
      }
      const fields = (block.fields ?? []) as unknown[]
      if (fields.length > LIMITS.sectionFields) return `${where}: more than ${LIMITS.sectionFields} fields`
      for (const [index, field] of fields.entries()) {
        const problem = textProblem(`${where}.fields[${index}]`, field, LIMITS.fieldText)
        if (problem) return problem
      }
      if (!block.text && !fields.length) return `${where}: a section needs text or fields`
      return block.accessory ? elementProblem(`${where}.accessory`, block.accessory as Json) : undefined
    }
    case 'header':
      return textProblem(`${where}.text`, block.text, LIMITS.headerText)
    case 'context': {
      const elements = (block.elements ?? []) as Json[]
      if (!elements.length || elements.length > LIMITS.contextElements) return `${where}: 1 to ${LIMITS.contextElements} elements`
      for (const [index, element] of elements.entries()) {
        const problem = element.type === 'image' ? undefined : textProblem(`${where}.elements[${index}]`, element, LIMITS.sectionText)
        if (problem) return problem
      }
      return undefined
    }
    case 'actions': {
      const elements = (block.elements ?? []) as Json[]
      if (!elements.length || elements.length > LIMITS.actionsElements) return `${where}: 1 to ${LIMITS.actionsElements} elements`
      for (const [index, element] of elements.entries()) {
        const problem = elementProblem(`${where}.elements[${index}]`, element)
        if (problem) return problem
      }
      return undefined
    }
    case 'input':
      return textProblem(`${where}.label`, block.label, LIMITS.inputLabel) ?? elementProblem(`${where}.element`, (block.element ?? {}) as Json)
    default:
      return undefined
  }
}

/** Why Slack would refuse a message's blocks, or undefined. */
export function messageBlocksProblem(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined
  if (!Array.isArray(blocks)) return 'blocks: not an array'
  if (blocks.length > LIMITS.messageBlocks) return `blocks: more than ${LIMITS.messageBlocks} (${blocks.length})`
  for (const [index, block] of blocks.entries()) {
    const problem = blockProblem(`blocks[${index}]`, block as Json)
    if (problem) return problem
  }
  return undefined
}

/** Why Slack would refuse a modal view, or undefined. */
export function viewProblem(view: unknown): string | undefined {
  if (typeof view !== 'object' || view === null) return 'view: missing'
  const { title, submit, blocks, private_metadata } = view as Json
  const problem = textProblem('view.title', title, LIMITS.viewTitle) ?? (submit ? textProblem('view.submit', submit, LIMITS.viewSubmit) : undefined)
  if (problem) return problem
  if (typeof private_metadata === 'string' && private_metadata.length > LIMITS.privateMetadata) return 'view.private_metadata: too long'
  if (!Array.isArray(blocks) || blocks.length > LIMITS.viewBlocks) return `view.blocks: at most ${LIMITS.viewBlocks}`
  for (const [index, block] of blocks.entries()) {
    const found = blockProblem(`view.blocks[${index}]`, block as Json)
    if (found) return found
  }
  return undefined
}
