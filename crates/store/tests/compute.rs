//! The compute plan in the book file: a round trip, the latest terms in force,
//! append-only in the database, and a refused order writes nothing.

use roundbook_compute::example::xai_compute_plan;
use roundbook_compute::{GpuOrderId, Terms};
use roundbook_ledger::*;
use roundbook_store::{Store, StoreError};
use rust_decimal_macros::dec;

fn demo() -> (tempfile::TempDir, Store, RoundId) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.roundbook");
    let mut s = Store::create(&path, &example::xai_company()).unwrap();
    let outcome = s
        .transact(|b| Ok::<_, roundbook_store::StoreError>(example::populate_xai(b)?))
        .unwrap();
    (dir, s, outcome.round)
}

#[test]
fn a_plan_round_trips_through_the_file() {
    let (dir, mut store, series_b) = demo();
    let fresh = store.load_compute().unwrap();
    assert!(fresh.plan.orders.is_empty());
    assert_eq!(fresh.plan.terms, Terms::default_for(Currency::USD));

    let plan = xai_compute_plan(Some(series_b));
    let ids = store
        .record_compute_plan(plan.orders.clone(), plan.terms.clone())
        .unwrap();
    assert_eq!(ids, vec![GpuOrderId(1)]);
    drop(store);
    let store = Store::open(&dir.path().join("book.roundbook")).unwrap();
    let back = store.load_compute().unwrap();
    assert_eq!(back.plan.terms, plan.terms);
    assert_eq!(back.plan.orders.len(), 1);
    assert_eq!(back.plan.orders[0].order, plan.orders[0]);
    assert_eq!(back.plan.orders[0].order.round, Some(series_b));
    assert_eq!(back.rounds.len(), 2);
}

#[test]
fn the_latest_terms_are_in_force_and_nothing_is_updated() {
    let (_dir, mut store, series_b) = demo();
    let plan = xai_compute_plan(Some(series_b));
    store.record_compute_plan(plan.orders, plan.terms).unwrap();
    let (_, groups) = store
        .transact_compute(|cb| -> Result<_, StoreError> {
            let mut t = cb.plan.terms.clone();
            t.power.pue = dec!(1.3);
            Ok((vec![], t))
        })
        .unwrap();
    assert_eq!(groups, vec!["power"]);
    let (_, groups) = store
        .transact_compute(|cb| -> Result<_, StoreError> {
            let mut t = cb.plan.terms.clone();
            t.power.pue = dec!(1.1);
            Ok((vec![], t))
        })
        .unwrap();
    assert_eq!(groups, vec!["power"]);
    assert_eq!(
        store.load_compute().unwrap().plan.terms.power.pue,
        dec!(1.1)
    );
    let c = store.connection();
    let rows: i64 = c
        .query_row("SELECT count(*) FROM compute_power", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 3, "every setting is kept");
    for sql in [
        "UPDATE compute_power SET pue = '2'",
        "DELETE FROM compute_power",
        "UPDATE gpu_orders SET quantity = 1",
        "DELETE FROM gpu_deliveries",
    ] {
        let e = c.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn a_refused_order_or_term_writes_nothing() {
    let (_dir, mut store, series_b) = demo();
    let before = store.load_compute().unwrap().plan;
    // Over the round: 300,000 x $30,000 = $9B > the $6B raised.
    let mut plan = xai_compute_plan(Some(series_b));
    plan.orders[0].quantity = 300_000;
    plan.orders[0].deliveries[2].quantity = 235_000;
    let e = store
        .record_compute_plan(plan.orders, plan.terms.clone())
        .unwrap_err();
    assert!(e.to_string().starts_with("round:"), "{e}");
    // A bad term alongside a good order.
    let mut plan = xai_compute_plan(Some(series_b));
    plan.terms.power.pue = dec!(0.9);
    let e = store
        .record_compute_plan(plan.orders, plan.terms)
        .unwrap_err();
    assert!(e.to_string().starts_with("pue:"), "{e}");
    assert_eq!(store.load_compute().unwrap().plan, before);
    let orders: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM gpu_orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders, 0);
}
