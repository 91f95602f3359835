-- Default districts: the Lipetsk region, its 2 city districts (городские округа) and 18 municipal districts.
-- Admins replace or extend them with `npm run admin -- districts …`; this runs once, so their changes stay.
INSERT INTO "districts" ("code", "name", "kind") VALUES
  ('lipetsk-city', 'городской округ город Липецк', 'city'),
  ('elets-city', 'городской округ город Елец', 'city'),
  ('volovo', 'Воловский район', 'municipal'),
  ('gryazi', 'Грязинский район', 'municipal'),
  ('dankov', 'Данковский район', 'municipal'),
  ('dobrinka', 'Добринский район', 'municipal'),
  ('dobroe', 'Добровский район', 'municipal'),
  ('dolgorukovo', 'Долгоруковский район', 'municipal'),
  ('elets', 'Елецкий район', 'municipal'),
  ('zadonsk', 'Задонский район', 'municipal'),
  ('izmalkovo', 'Измалковский район', 'municipal'),
  ('krasnoe', 'Краснинский район', 'municipal'),
  ('lebedyan', 'Лебедянский район', 'municipal'),
  ('lev-tolstoy', 'Лев-Толстовский район', 'municipal'),
  ('lipetsk', 'Липецкий район', 'municipal'),
  ('stanovoe', 'Становлянский район', 'municipal'),
  ('terbuny', 'Тербунский район', 'municipal'),
  ('usman', 'Усманский район', 'municipal'),
  ('khlevnoe', 'Хлевенский район', 'municipal'),
  ('chaplygin', 'Чаплыгинский район', 'municipal')
ON CONFLICT ("code") DO NOTHING;
