import { Link } from 'react-router';

export function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-2 p-6 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <Link to="/" className="text-sm text-indigo-600 hover:underline">
        Go home
      </Link>
    </main>
  );
}
