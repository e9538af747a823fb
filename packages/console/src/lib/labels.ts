/** CARDIOLOGY -> Cardiology, GENERAL_PRACTICE -> General practice. */
export const specialtyLabel = (specialty: string) => specialty.charAt(0) + specialty.slice(1).toLowerCase().replace('_', ' ');
