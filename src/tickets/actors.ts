/** Who did something to a ticket, as recorded on its events. */
export interface Actor {
  /** `slack:U0123`, `api`, `api:<name>`, `customer:<identity id>` or `system`. */
  id: string
  /** For people: how to show them. */
  name?: string
}

export const SYSTEM: Actor = { id: 'system' }
export const isCustomer = (actor: Actor) => actor.id.startsWith('customer:')
