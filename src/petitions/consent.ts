/**
 * Consent to the processing of personal data (Law on Personal Data Protection): a
 * citizen's petition asks consent for exactly the personal data it keeps. An anonymous
 * petition keeps no name, phone or address, so it needs no consent.
 */

export type PersonalDataItem = "name" | "phone" | "address";

export interface PetitionerFields {
  anonymous?: boolean | null;
  petitionerName?: string | null;
  phone?: string | null;
  address?: string | null;
}

/** The personal data the petition keeps, in the order the intake asks it. */
export function personalDataKept(draft: PetitionerFields): PersonalDataItem[] {
  if (draft.anonymous === true) return [];
  const given = (v: string | null | undefined) => typeof v === "string" && v.trim().length > 0;
  const items: PersonalDataItem[] = [];
  if (given(draft.petitionerName)) items.push("name");
  if (given(draft.phone)) items.push("phone");
  if (given(draft.address)) items.push("address");
  return items;
}

/**
 * Whether the draft needs the citizen's consent: a named petition always does (it keeps
 * at least the name and phone the intake requires), an anonymous one never.
 */
export function consentRequired(draft: PetitionerFields): boolean {
  return draft.anonymous !== true;
}
