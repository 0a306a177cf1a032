-- Any stored plan is a full plan (issue 24): a plan has a lifecycle an admin controls —
-- draft (imported, not yet visible to units), active (run day to day), closed (period over,
-- read-only, kept for history) — and an English short name (NULL: the Chinese one is shown).
-- Plans that exist already are active, as they were.
ALTER TABLE plans ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('draft', 'active', 'closed'));
ALTER TABLE plans ADD COLUMN short_name_en TEXT
    CHECK (short_name_en IS NULL OR length(trim(short_name_en)) > 0);
-- The China day a plan was closed (NULL unless closed): replays of the days before it still
-- count the plan in 总览, 我的任务 and reminders, as it was then.
ALTER TABLE plans ADD COLUMN closed_on DATE
    CHECK ((status = 'closed') = (closed_on IS NOT NULL));

-- A token may be scoped to any stored plan, not to three written into a CHECK.
ALTER TABLE api_token_plans DROP CONSTRAINT api_token_plans_plan_code_check;
ALTER TABLE api_token_plans ADD FOREIGN KEY (plan_code) REFERENCES plans (code);
