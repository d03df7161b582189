import { Prisma } from '../db/client.ts'

/** §4.1b: liquidated damages are 10% of the value of the non-conforming service. */
export const DAMAGES_RATE = new Prisma.Decimal('0.10')

export function damagesFor(serviceValue: Prisma.Decimal | number): Prisma.Decimal {
  return new Prisma.Decimal(serviceValue).times(DAMAGES_RATE).toDecimalPlaces(2)
}
