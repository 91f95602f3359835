CREATE TABLE "check_ins" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "check_ins_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"silent_notice_at" timestamp with time zone,
	"call_outcome" text,
	"call_recorded_at" timestamp with time zone,
	"call_recorded_by_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measure_offers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "measure_offers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"family_id" integer NOT NULL,
	"measure_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measures" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "measures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"code" text NOT NULL,
	"title" text NOT NULL,
	"gives" text NOT NULL,
	"who_is_eligible" text NOT NULL,
	"how_to_get" jsonb NOT NULL,
	"eligibility" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"request_category" "request_category" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measures_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_member_id_family_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."family_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_ins" ADD CONSTRAINT "check_ins_call_recorded_by_id_staff_id_fk" FOREIGN KEY ("call_recorded_by_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measure_offers" ADD CONSTRAINT "measure_offers_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_ins_family_id_created_at_index" ON "check_ins" USING btree ("family_id","created_at");--> statement-breakpoint
CREATE INDEX "check_ins_answered_at_silent_notice_at_index" ON "check_ins" USING btree ("answered_at","silent_notice_at");--> statement-breakpoint
CREATE UNIQUE INDEX "measure_offers_family_id_measure_code_index" ON "measure_offers" USING btree ("family_id","measure_code");--> statement-breakpoint
-- The default catalogue of support measures (issue 16): admins change it with `npm run admin -- measures import`;
-- this runs once, so their changes stay.
INSERT INTO "measures" ("code", "title", "gives", "who_is_eligible", "how_to_get", "eligibility", "request_category") VALUES
  ('school_meals', 'Бесплатное питание в школе', 'Ребёнок бесплатно получает горячее питание в школе.', 'Дети, которые учатся в школе.', '{"documents": ["Заявление на имя директора школы", "Справка из военкомата о мобилизации", "Свидетельство о рождении ребёнка"], "where": "Школа, где учится ребёнок, или Госуслуги.", "contacts": "Классный руководитель или социальный педагог школы."}'::jsonb, '{"children": {"attends": "school"}}'::jsonb, 'school_meals'),
  ('free_nanny', 'Бесплатная няня', 'Няня присматривает за ребёнком дома, пока вы на работе или заняты делами.', 'Семьи, где есть ребёнок младше 7 лет.', '{"documents": ["Паспорт", "Справка из военкомата о мобилизации", "Свидетельство о рождении ребёнка"], "where": "Центр социальной защиты населения вашего района.", "contacts": "Куратор поможет записаться и подскажет телефон центра."}'::jsonb, '{"children": {"maxAge": 6}}'::jsonb, 'nanny'),
  ('kindergarten_transfer', 'Перевод в детский сад ближе к дому', 'Ребёнка переводят в детский сад рядом с домом в первую очередь.', 'Дети, которые ходят в детский сад.', '{"documents": ["Заявление о переводе", "Справка из военкомата о мобилизации", "Свидетельство о рождении ребёнка"], "where": "Управление образования вашего района или Госуслуги.", "contacts": "Заведующая детским садом или куратор."}'::jsonb, '{"children": {"attends": "kindergarten"}}'::jsonb, 'kindergarten_transfer'),
  ('psychologist', 'Помощь психолога', 'Бесплатные консультации психолога для взрослых и детей, очно или по телефону.', 'Все члены семьи мобилизованного.', '{"documents": [], "where": "Центр социального обслуживания или психологический центр вашего района.", "contacts": "Куратор запишет вас на удобное время."}'::jsonb, '{}'::jsonb, 'psychologist'),
  ('elderly_social_worker', 'Социальный работник для пожилых родственников', 'Социальный работник приходит домой: приносит продукты и лекарства, помогает по хозяйству, сопровождает к врачу.', 'Родственники в возрасте 65 лет и старше.', '{"documents": ["Паспорт родственника", "Справка из военкомата о мобилизации"], "where": "Центр социального обслуживания вашего района.", "contacts": "Куратор свяжет вас с центром."}'::jsonb, '{"relatives": {"minAge": 65}}'::jsonb, 'elderly_care'),
  ('employment_training', 'Обучение в центре занятости', 'Бесплатное обучение новой профессии и помощь в поиске работы.', 'Члены семьи, которые ищут работу.', '{"documents": ["Паспорт", "Документ об образовании", "Справка из военкомата о мобилизации"], "where": "Центр занятости населения вашего района или портал «Работа России».", "contacts": "Куратор подскажет адрес и часы приёма."}'::jsonb, '{"employment": "unemployed"}'::jsonb, 'employment'),
  ('payments', 'Выплаты и пособия', 'Федеральные и региональные выплаты семьям мобилизованных: единовременные и ежемесячные, пособия на детей, компенсации.', 'Все семьи мобилизованных; какие именно выплаты, зависит от состава семьи.', '{"documents": ["Паспорт", "Справка из военкомата о мобилизации", "Реквизиты банковского счёта"], "where": "Центр социальной защиты населения вашего района или Госуслуги.", "contacts": "Куратор поможет разобраться и собрать документы."}'::jsonb, '{}'::jsonb, 'legal'),
  ('legal', 'Юридическая помощь', 'Бесплатная консультация юриста: документы, выплаты, кредиты, жильё.', 'Все члены семьи мобилизованного.', '{"documents": [], "where": "Куратор запишет вас к юристу.", "contacts": "Куратор через «Нужна помощь»."}'::jsonb, '{}'::jsonb, 'legal');
--> statement-breakpoint
-- Measures recorded under the codes of the former static catalogue keep their meaning under the new codes.
UPDATE "support_measures" SET "measure" = CASE "measure"
  WHEN 'psychology' THEN 'psychologist'
  WHEN 'elderly' THEN 'elderly_social_worker'
  WHEN 'employment' THEN 'employment_training'
  ELSE "measure" END
WHERE "measure" IN ('psychology', 'elderly', 'employment');
