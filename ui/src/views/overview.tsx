import { runwayText, shares } from "../format";
import { Amount, Basis, Show, Stat, useCommand } from "../ui";

export function OverviewView(props: { rev: number }) {
  const loaded = useCommand("overview", {}, [props.rev]);
  return (
    <Show loaded={loaded}>
      {(o) => (
        <section aria-labelledby="h-overview">
          <h1 id="h-overview">{o.company.name}</h1>
          <p class="muted">
            {o.company.legal_name} · founded {o.company.founded} · {o.company.currency} · as of{" "}
            {o.as_of}
          </p>
          <div class="stats">
            <Stat label="Last round">
              {o.last_round ? (
                <>
                  {o.last_round.name} <Basis p={o.last_round.provenance} />
                </>
              ) : (
                "none yet"
              )}
            </Stat>
            <Stat label="Post-money" note={o.last_round ? `${o.last_round.date}` : undefined}>
              <Amount m={o.last_round?.post_money} />
            </Stat>
            <Stat label="Total raised" note={`${o.rounds} round(s)`}>
              <Amount m={o.total_raised} />
            </Stat>
            <Stat label="Fully diluted shares" note={`${shares(o.outstanding_shares)} outstanding`}>
              {shares(o.fully_diluted_shares)}
            </Stat>
            <Stat
              label="Cash"
              note={
                o.cash_month
                  ? `start of ${o.cash_month.slice(0, 7)}, compute plan`
                  : "no compute plan terms"
              }
            >
              <Amount m={o.cash} />
            </Stat>
            <Stat label="Runway">{o.runway ? runwayText(o.runway) : "—"}</Stat>
          </div>
          {o.illustrative && (
            <p class="note">
              Figures marked <span class="badge illustrative">illustrative</span> were made up to
              complete the example; they are not facts about the company. Public facts are sourced
              in assets/xai/SOURCES.md.
            </p>
          )}
        </section>
      )}
    </Show>
  );
}
