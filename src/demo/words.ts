/**
 * Words the demo data is made of. Every e-mail address and domain is under a name reserved for
 * examples (example.com/.net/.org and *.example), so none reaches a real mailbox.
 */

/** A name as it is written, and a Latin spelling for addresses. */
export type Name = readonly [written: string, latin: string]

const latin = (...names: string[]): Name[] => names.map((n) => [n, n.toLowerCase()] as const)

export const latinFirstNames: readonly Name[] = latin(
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Emma',
  'Thomas', 'Sarah', 'Daniel', 'Laura', 'Lukas', 'Anna', 'Jonas', 'Marie', 'Pierre', 'Camille',
  'Luca', 'Giulia', 'Javier', 'Lucia', 'Jan', 'Eva', 'Piotr', 'Zofia', 'Mats', 'Ingrid',
)

export const latinLastNames: readonly Name[] = latin(
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark',
  'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams',
  'Muller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Dubois', 'Martin', 'Bernard', 'Rossi',
  'Russo', 'Garcia', 'Lopez', 'Kowalski', 'Nowak', 'Novak', 'Jansen', 'Berg', 'Larsen',
)

export const russianFirstNames: readonly Name[] = [
  ['Иван', 'ivan'], ['Мария', 'maria'], ['Алексей', 'alexey'], ['Елена', 'elena'], ['Дмитрий', 'dmitry'],
  ['Ольга', 'olga'], ['Сергей', 'sergey'], ['Анна', 'anna'], ['Андрей', 'andrey'], ['Наталья', 'natalia'],
  ['Михаил', 'mikhail'], ['Татьяна', 'tatiana'], ['Николай', 'nikolay'], ['Ирина', 'irina'], ['Павел', 'pavel'],
  ['Светлана', 'svetlana'], ['Артём', 'artem'], ['Юлия', 'yulia'], ['Владимир', 'vladimir'], ['Ксения', 'ksenia'],
]

/** Russian surnames take a feminine form: the Latin spelling stays the base form. */
export const russianLastNames: readonly (readonly [male: string, female: string, latin: string])[] = [
  ['Иванов', 'Иванова', 'ivanov'], ['Петров', 'Петрова', 'petrov'], ['Смирнов', 'Смирнова', 'smirnov'],
  ['Кузнецов', 'Кузнецова', 'kuznetsov'], ['Попов', 'Попова', 'popov'], ['Соколов', 'Соколова', 'sokolov'],
  ['Лебедев', 'Лебедева', 'lebedev'], ['Козлов', 'Козлова', 'kozlov'], ['Новиков', 'Новикова', 'novikov'],
  ['Морозов', 'Морозова', 'morozov'], ['Волков', 'Волкова', 'volkov'], ['Фёдоров', 'Фёдорова', 'fedorov'],
  ['Орлов', 'Орлова', 'orlov'], ['Зайцев', 'Зайцева', 'zaytsev'], ['Егоров', 'Егорова', 'egorov'],
]

/** Women's first names in russianFirstNames: their surnames take the feminine form. */
export const russianFemale = new Set(['Мария', 'Елена', 'Ольга', 'Анна', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Юлия', 'Ксения'])

export const companyWords: readonly string[] = [
  'Acme', 'Blue Harbor', 'Brightline', 'Cedar', 'Copperfield', 'Evergreen', 'Falcon', 'Granite',
  'Horizon', 'Ironwood', 'Juniper', 'Keystone', 'Lakeside', 'Maple', 'Northwind', 'Oakridge',
  'Pinnacle', 'Quartz', 'Riverside', 'Silverline', 'Summit', 'Tidewater', 'Upland', 'Vantage',
  'Westbrook', 'Zenith',
]

export const companyTrades: readonly string[] = [
  'Analytics', 'Consulting', 'Design', 'Logistics', 'Media', 'Software', 'Studio', 'Systems',
  'Trading', 'Travel', 'Labs', 'Foods', 'Games', 'Health', 'Legal',
]

export const companyForms: readonly string[] = ['LLC', 'Inc.', 'Ltd', 'GmbH', 'SARL', 'B.V.']

/** Russian company names, with a Latin slug for domains. */
export const russianCompanies: readonly Name[] = [
  ['Вектор', 'vektor'], ['Ромашка', 'romashka'], ['Альфа-Софт', 'alfa-soft'], ['Северный ветер', 'severny-veter'],
  ['Техносфера', 'tekhnosfera'], ['Гранит', 'granit'], ['Меридиан', 'meridian'], ['Сибирь-Телеком', 'sibir-telecom'],
  ['Волна', 'volna'], ['Орбита', 'orbita'], ['Кедр', 'kedr'], ['Полюс', 'polyus'], ['Эталон', 'etalon'],
]

export const russianCompanyForms: readonly string[] = ['ООО', 'АО', 'ПАО']

/** Free-mail style domains for people. */
export const mailDomains: readonly string[] = ['example.com', 'example.net', 'example.org', 'mail.example', 'post.example']

/** Resellers; beyond the list, names get a number. */
export const resellerNames: readonly Name[] = [
  ['NordHost', 'nordhost'], ['Skyline Networks', 'skyline'], ['Volga Telecom', 'volgatelecom'],
  ['Baltic Cloud', 'balticcloud'], ['Redwood Hosting', 'redwood'], ['Alpen Datacenter', 'alpendc'],
  ['Sunrise VoIP', 'sunrisevoip'], ['Harbor IT', 'harborit'],
]

export const topLevelDomains: Record<string, readonly string[]> = {
  USD: ['com', 'net', 'io'],
  EUR: ['eu', 'de', 'com'],
  RUB: ['ru', 'su', 'com'],
}

/** Dialling prefixes for numbers of voice services, by currency. */
export const phonePrefixes: Record<string, readonly string[]> = {
  USD: ['+1 202', '+1 212', '+1 415', '+1 512'],
  EUR: ['+49 30', '+33 1', '+31 20', '+39 02'],
  RUB: ['+7 495', '+7 812', '+7 383', '+7 843'],
}

export const paymentNotes = {
  returned: ['Refund requested by the client', 'Duplicate payment returned', 'Returned: wrong recipient'],
  fraudulent: ['Chargeback: card reported stolen', 'Flagged by the processor', 'Chargeback: not recognised by the card holder'],
} as const
