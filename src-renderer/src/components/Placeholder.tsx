// An honest panel for a screen whose capability has not shipped yet.
export function Placeholder({ title, capability, summary }: { title: string; capability: string; summary: string }) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title" tabIndex={-1}>
          {title}
        </h1>
      </header>
      <div className="placeholder panel" data-testid="screen-placeholder">
        <p className="placeholder-title">This screen arrives with {capability}.</p>
        <p className="muted">{summary}</p>
      </div>
    </section>
  );
}
