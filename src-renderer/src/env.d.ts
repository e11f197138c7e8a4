// CSS files are imported for their side effect; Vite emits them as files (the CSP has no 'unsafe-inline' for styles).
declare module '*.css' {}
