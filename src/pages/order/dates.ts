/** How the order page writes dates: a day ("May 4, 2026"), or a day and time ("May 4, 2026, 3:05 PM"). */
export const formatDate = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long' }).format(new Date(iso));
export const formatDateTime = (iso: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
