/** DI token for the platform's DataSource (its type comes from @evcsms/data-access). */
export const DATABASE = Symbol('evcsms:database');
