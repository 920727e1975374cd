"""Operations routes: liveness, readiness, Prometheus metrics, worker checks."""
